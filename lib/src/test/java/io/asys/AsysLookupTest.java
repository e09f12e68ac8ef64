package io.asys;

import io.asys.uring.IoUringSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where statx runs ({@code asys.statx}: the lookup threads by default, the ring, or the worker
 * engine) and the lookup threads' contract: right results and errors on every route, every
 * request completed exactly once under concurrent submits, cancels and close, callbacks on a
 * lookup thread that submit again (an asynchronous loop) without deepening the stack.
 */
class AsysLookupTest {
    @TempDir
    Path dir;

    /** Runs {@code body} on a new instance opened with {@code asys.statx=setting} (null: unset). */
    private static void withStatx(String setting, ThrowingConsumer body) throws Exception {
        String before = System.getProperty(Asys.STATX_PROP_NAME);
        if (setting == null) {
            System.clearProperty(Asys.STATX_PROP_NAME);
        } else {
            System.setProperty(Asys.STATX_PROP_NAME, setting);
        }
        try (Asys asys = Asys.open()) {
            body.accept(asys);
        } finally {
            if (before == null) {
                System.clearProperty(Asys.STATX_PROP_NAME);
            } else {
                System.setProperty(Asys.STATX_PROP_NAME, before);
            }
        }
    }

    private interface ThrowingConsumer {
        void accept(Asys asys) throws Exception;
    }

    @Test
    void everyRouteGivesTheSameResultsAndErrors() throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[4321]);
        Path missing = dir.resolve("missing");
        for (String setting : new String[] {null, "lookup", "uring", "workers"}) {
            withStatx(setting, asys -> {
                boolean ringRunsStatx = !asys.engine().equals("workers")
                        && io.asys.internal.engine.UringEngine.runs(io.asys.uring.IoUringAbi.IORING_OP_STATX);
                String expected = setting == null ? Asys.STATX_DEFAULT
                        : setting.equals("uring") && !ringRunsStatx ? "workers" : setting;
                assertEquals(expected, asys.statxRoute(), "setting " + setting + " on " + asys.engine());
                assertEquals(4321, asys.statx(file).get(5, TimeUnit.SECONDS).size());
                ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> asys.statx(missing).get(5, TimeUnit.SECONDS));
                assertInstanceOf(NoSuchFileException.class, e.getCause());
                assertTrue(e.getCause().getMessage().contains(missing.toString()), e.getCause().getMessage());
                // With a timeout statx stays on the engine (the lookup threads take none).
                assertEquals(4321, asys.submit(new Op.Statx(file, 0, Statx.STATX_BASIC_STATS), Duration.ofSeconds(5))
                        .get(5, TimeUnit.SECONDS).size());
            });
        }
    }

    @Test
    void pathsBeyondAsciiReachTheKernelAsUtf8OnEveryRoute() throws Exception {
        Path file = Files.write(dir.resolve("caf\u00e9-\u6587\u4ef6-\ud83d\ude00"), new byte[11]);
        for (String setting : new String[] {"lookup", "uring", "workers"}) {
            withStatx(setting, asys -> {
                assertEquals(11, asys.statx(file).get(5, TimeUnit.SECONDS).size(), setting);
                FileHandle h = asys.open(file, FileDescriptors.O_RDONLY, 0).get(5, TimeUnit.SECONDS);
                asys.close(h).get(5, TimeUnit.SECONDS);
            });
        }
    }

    @Test
    void anUnknownSettingIsRefusedWithTheChoices() {
        String before = System.getProperty(Asys.STATX_PROP_NAME);
        System.setProperty(Asys.STATX_PROP_NAME, "fast");
        try {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> Asys.open().close());
            assertTrue(e.getMessage().contains("lookup, uring or workers"), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(Asys.STATX_PROP_NAME);
            } else {
                System.setProperty(Asys.STATX_PROP_NAME, before);
            }
        }
    }

    @Test
    void anAsynchronousLoopRunsOnTheLookupThreadsWithoutDeepeningTheStack() throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[7]);
        withStatx("lookup", asys -> {
            int rounds = 20_000;
            CompletableFuture<Integer> done = new CompletableFuture<>();
            AtomicInteger onLookupThreads = new AtomicInteger();
            Runnable[] step = new Runnable[1];
            AtomicInteger left = new AtomicInteger(rounds);
            step[0] = () -> asys.statx(file).whenComplete((st, t) -> {
                if (Thread.currentThread().getName().startsWith("asys-lookup-")) {
                    onLookupThreads.incrementAndGet();
                }
                if (t != null) {
                    done.completeExceptionally(t);
                } else if (st.size() != 7) {
                    done.completeExceptionally(new AssertionError("size " + st.size()));
                } else if (left.decrementAndGet() == 0) {
                    done.complete(rounds);
                } else {
                    step[0].run();
                }
            });
            step[0].run();
            assertEquals(rounds, done.get(60, TimeUnit.SECONDS));
            // Callbacks run on a lookup thread, except where a step completed before its callback was
            // attached by the test thread (then the test thread runs it, and submits the next).
            assertTrue(onLookupThreads.get() > rounds / 2, onLookupThreads + " of " + rounds + " on lookup threads");
        });
    }

    @Test
    void concurrentSubmitsAndCancelsCompleteEveryRequestOnce() throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[3]);
        withStatx("lookup", asys -> {
            int threads = 4;
            int each = 2_000;
            AtomicInteger completions = new AtomicInteger();
            AtomicInteger cancelled = new AtomicInteger();
            List<CompletableFuture<Statx>> all = java.util.Collections.synchronizedList(new ArrayList<>());
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> submitters = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                submitters.add(Thread.ofPlatform().start(() -> {
                    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < each; i++) {
                        AsysFuture<Statx> f = asys.statx(file);
                        f.whenComplete((st, x) -> completions.incrementAndGet());
                        all.add(f);
                        if (random.nextInt(3) == 0) {
                            asys.cancel(f);
                        }
                    }
                }));
            }
            go.countDown();
            for (Thread t : submitters) {
                t.join();
            }
            for (CompletableFuture<Statx> f : all) {
                try {
                    assertEquals(3, f.get(30, TimeUnit.SECONDS).size());
                } catch (ExecutionException e) {
                    ErrnoException errno = assertInstanceOf(ErrnoException.class, e.getCause());
                    assertEquals(Errno.ECANCELED, errno.errno(), errno.getMessage());
                    cancelled.incrementAndGet();
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (completions.get() < threads * each && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(threads * each, completions.get());
            assertEquals(threads * each, all.size());
        });
    }

    @Test
    void closeCompletesEveryQueuedLookup() throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[5]);
        List<CompletableFuture<Statx>> all = new ArrayList<>();
        Asys asys = TypedApiTestSupport.openWithStatxRoute("lookup");
        for (int i = 0; i < 20_000; i++) {
            all.add(asys.statx(file));
        }
        asys.close();
        all.add(asys.statx(file));
        int ran = 0;
        for (CompletableFuture<Statx> f : all) {
            try {
                assertEquals(5, f.get(10, TimeUnit.SECONDS).size());
                ran++;
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                assertTrue(c instanceof ErrnoException x && x.errno() == Errno.ECANCELED
                        || c instanceof IllegalStateException, c.toString());
            }
        }
        assertTrue(all.get(all.size() - 1).isCompletedExceptionally(), "a statx after close is refused");
        assertTrue(ran < all.size());
    }

    @Test
    void afterASlowLookupTheNextGoToTheEngineForAWhile() throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[9]);
        java.util.Set<Attribute> path = java.util.EnumSet.of(Attribute.PATH);
        String before = System.getProperty(io.asys.internal.workers.LookupPool.SLOW_CALL_PROP_NAME);
        try {
            // Every call counts as slow: the first ones run on a lookup thread, until about six
            // slow ones in a row on one thread mark the pool cold; the next runs on the engine.
            System.setProperty(io.asys.internal.workers.LookupPool.SLOW_CALL_PROP_NAME, "0");
            withStatx("lookup", asys -> {
                AsysFuture<Statx> first = asys.submit(new Op.Statx(file, 0, Statx.STATX_BASIC_STATS), path);
                assertEquals(9, first.get(5, TimeUnit.SECONDS).size());
                assertEquals(ExecutionPath.WORKER, first.attributes().path());
                // One thread: run six more there (a loop of callbacks keeps them on its thread).
                CompletableFuture<Statx> six = first;
                for (int i = 0; i < 6; i++) {
                    six = six.thenCompose(x -> asys.statx(file));
                }
                assertEquals(9, six.get(5, TimeUnit.SECONDS).size());
                AsysFuture<Statx> next = asys.submit(new Op.Statx(file, 0, Statx.STATX_BASIC_STATS), path);
                assertEquals(9, next.get(5, TimeUnit.SECONDS).size());
                ExecutionPath p = next.attributes().path();
                if (!asys.engine().equals("workers")
                        && io.asys.internal.engine.UringEngine.runs(io.asys.uring.IoUringAbi.IORING_OP_STATX)) {
                    assertTrue(p == ExecutionPath.URING_ASYNC || p == ExecutionPath.URING_NONBLOCKING, p.toString());
                } else {
                    assertTrue(p == ExecutionPath.INLINE || p == ExecutionPath.WORKER, p.toString());
                }
            });
            // No call counts as slow: every one runs on the lookup threads.
            System.setProperty(io.asys.internal.workers.LookupPool.SLOW_CALL_PROP_NAME, "1000000000");
            withStatx("lookup", asys -> {
                for (int i = 0; i < 3; i++) {
                    AsysFuture<Statx> st = asys.submit(new Op.Statx(file, 0, Statx.STATX_BASIC_STATS), path);
                    assertEquals(9, st.get(5, TimeUnit.SECONDS).size());
                    assertEquals(ExecutionPath.WORKER, st.attributes().path());
                }
            });
        } finally {
            if (before == null) {
                System.clearProperty(io.asys.internal.workers.LookupPool.SLOW_CALL_PROP_NAME);
            } else {
                System.setProperty(io.asys.internal.workers.LookupPool.SLOW_CALL_PROP_NAME, before);
            }
        }
    }

    @Test
    void theRingIsTheRouteOnlyWhenAskedFor() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(IoUringSupport.isAvailable()
                && !"workers".equals(System.getProperty(Asys.ENGINE_PROP_NAME)), "io_uring runs here");
        withStatx("uring", asys -> assertEquals(
                io.asys.internal.engine.UringEngine.runs(io.asys.uring.IoUringAbi.IORING_OP_STATX) ? "uring" : "workers",
                asys.statxRoute()));
        withStatx(null, asys -> assertEquals("lookup", asys.statxRoute()));
    }

    /**
     * Opens of a FIFO without a writer block for good; more of them than the lookup pool has
     * threads, and right behind them a plain open and a statx: those complete at once (the pool
     * adds a thread while its own block), the FIFO opens complete when a writer comes, and the
     * added threads leave once idle.
     */
    @Test
    void opensThatBlockForGoodDoNotHoldUpTheLookupsBehindThem() throws Exception {
        Path fifo = TypedApiTestSupport.mkfifo(dir.resolve("fifo"));
        Path file = Files.write(dir.resolve("f"), new byte[11]);
        withStatx(null, asys -> {
            List<CompletableFuture<FileHandle>> blocked = new ArrayList<>();
            for (int i = 0; i < io.asys.internal.workers.LookupPool.THREADS_DEFAULT + 1; i++) {
                blocked.add(asys.open(fifo, FileDescriptors.O_RDONLY, 0));
            }
            CompletableFuture<FileHandle> plain = asys.open(file, FileDescriptors.O_RDONLY, 0);
            CompletableFuture<Statx> st = asys.statx(file);
            assertEquals(11, st.get(5, TimeUnit.SECONDS).size());
            FileHandle h = plain.get(5, TimeUnit.SECONDS);
            assertEquals(0, asys.close(h).get(5, TimeUnit.SECONDS));
            for (CompletableFuture<FileHandle> f : blocked) {
                assertTrue(!f.isDone(), "an open of a FIFO without a writer waits");
            }
            try (var writer = new java.io.FileOutputStream(fifo.toFile())) {
                for (CompletableFuture<FileHandle> f : blocked) {
                    FileHandle reader = f.get(5, TimeUnit.SECONDS);
                    assertEquals(0, asys.close(reader).get(5, TimeUnit.SECONDS));
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (addedLookupThreads() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, addedLookupThreads(), "added lookup threads leave once idle");
        });
    }

    /**
     * A FIFO open without a writer, on a lookup thread, cancelled: the signal interrupts the open
     * and it completes with ECANCELED, and close interrupts another one at once (it would
     * otherwise wait 10 s for that thread).
     */
    @Test
    void aBlockedOpenIsInterruptedByCancelAndByClose() throws Exception {
        assertTrue(io.asys.internal.linux.InterruptSignal.usable(), "the JDK's interrupt signal handler is in place");
        Path fifo = TypedApiTestSupport.mkfifo(dir.resolve("fifo"));
        Path file = Files.write(dir.resolve("f"), new byte[3]);
        Asys asys = TypedApiTestSupport.openWithStatxRoute(null);
        CompletableFuture<FileHandle> cancelled = asys.open(fifo, FileDescriptors.O_RDONLY, 0);
        Thread.sleep(100);
        assertTrue(!cancelled.isDone(), "the open waits for a writer");
        asys.cancel(cancelled);
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> cancelled.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof ErrnoException x && x.errno() == Errno.ECANCELED, e.getCause().toString());
        // The thread is free again: a plain open runs.
        FileHandle h = asys.open(file, FileDescriptors.O_RDONLY, 0).get(5, TimeUnit.SECONDS);
        assertEquals(0, asys.close(h).get(5, TimeUnit.SECONDS));

        CompletableFuture<FileHandle> pending = asys.open(fifo, FileDescriptors.O_RDONLY, 0);
        Thread.sleep(100);
        long began = System.nanoTime();
        asys.close();
        long tookMillis = (System.nanoTime() - began) / 1_000_000;
        assertTrue(tookMillis < 5_000, "close took " + tookMillis + " ms");
        ExecutionException c = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> pending.get(5, TimeUnit.SECONDS));
        assertTrue(c.getCause() instanceof ErrnoException x && x.errno() == Errno.ECANCELED, c.getCause().toString());
    }

    private static long addedLookupThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("asys-lookup-added-")).count();
    }
}
