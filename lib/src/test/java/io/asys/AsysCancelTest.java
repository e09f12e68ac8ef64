package io.asys;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static io.asys.TypedApiTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class AsysCancelTest {
    private static Asys asys;

    @TempDir
    Path dir;
    private FileHandle fifo;
    private Path fifoPath;

    @BeforeAll
    static void open() throws Exception {
        assumeIoUring();
        asys = Asys.open();
    }

    @AfterAll
    static void close() {
        if (asys != null) {
            asys.close();
        }
    }

    @BeforeEach
    void openFifo() throws Exception {
        fifoPath = mkfifo(dir.resolve("fifo"));
        fifo = get(asys.open(fifoPath, O_RDWR, 0));
    }

    @AfterEach
    void closeFifo() throws Exception {
        if (fifo != null) {
            assertEquals(0, get(asys.closeNow(fifo)));
        }
    }

    private CompletableFuture<Integer> pendingRead() {
        return asys.read(fifo, buffer(4096), 0);
    }

    @Test
    void cancelFailsAPendingReadWithEcanceled() throws Exception {
        CompletableFuture<Integer> read = pendingRead();
        Thread.sleep(20);
        assertFalse(read.isDone());
        asys.cancel(read);
        ErrnoException e = errno(read, Errno.ECANCELED);
        assertEquals("read", e.operation());
        assertFalse(read.isCancelled(), "the kernel cancelled it, not Future.cancel");
        assertEquals(0, fifo.inFlight());
    }

    @Test
    void cancelOfACompletedOperationChangesNothing() throws Exception {
        CompletableFuture<Integer> nop = asys.nop();
        assertEquals(0, get(nop));
        asys.cancel(nop);
        assertEquals(0, get(asys.nop()));
        assertEquals(0, get(nop));
        asys.cancel(new CompletableFuture<>());
    }

    @Test
    void futureCancelCompletesAtOnceAndTheHoldIsReleasedLater() throws Exception {
        CompletableFuture<Integer> read = pendingRead();
        Thread.sleep(20);
        assertTrue(read.cancel(true));
        assertTrue(read.isCancelled());
        assertThrows(CancellationException.class, () -> read.get(1, TimeUnit.SECONDS));
        assertTrue(read.cancel(true), "still cancelled (the JDK contract); asking the kernel again is harmless");
        // The kernel still completes the read (ECANCELED): only then does the handle let go.
        FileHandle h = fifo;
        fifo = null;
        assertEquals(0, get(asys.close(h)));
        assertEquals(0, h.inFlight());
    }

    @Test
    void cancelAllCancelsEveryPendingReadAndLeavesTheHandleOpen() throws Exception {
        List<CompletableFuture<Integer>> reads = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            reads.add(pendingRead());
        }
        Thread.sleep(20);
        asys.cancelAll(fifo);
        for (CompletableFuture<Integer> r : reads) {
            errno(r, Errno.ECANCELED);
        }
        assertTrue(fifo.isOpen());
        MemorySegment in = buffer(4096);
        CompletableFuture<Integer> read = asys.read(fifo, in, 0);
        Files.write(fifoPath, new byte[] {1, 2, 3});
        assertEquals(3, get(read));
    }

    @Test
    void cancelsAreNotLostWhenTheRingIsFull() throws Exception {
        // More reads than the ring takes at once (1024 in flight): some wait in the backlog.
        int n = 1500;
        List<CompletableFuture<Integer>> reads = new ArrayList<>();
        MemorySegment in = buffer(4096);
        for (int i = 0; i < n; i++) {
            reads.add(asys.read(fifo, in, 0));
        }
        Thread.sleep(50);
        for (CompletableFuture<Integer> r : reads) {
            asys.cancel(r);
        }
        for (int i = 0; i < n; i++) {
            try {
                reads.get(i).get(5, TimeUnit.SECONDS);
                fail("read " + i + " was not cancelled");
            } catch (ExecutionException e) {
                assertEquals(Errno.ECANCELED, assertInstanceOf(ErrnoException.class, e.getCause()).errno());
            } catch (java.util.concurrent.TimeoutException e) {
                fail("read " + i + " still pending: its cancel was lost");
            }
        }
        assertEquals(0, get(asys.nop()));
    }

    @Test
    void closeNowCancelsReadsStillWaitingForRoomInTheRing() throws Exception {
        int n = 1500;
        List<CompletableFuture<Integer>> reads = new ArrayList<>();
        MemorySegment in = buffer(4096);
        for (int i = 0; i < n; i++) {
            reads.add(asys.read(fifo, in, 0));
        }
        Thread.sleep(50);
        FileHandle h = fifo;
        fifo = null;
        CompletableFuture<Integer> closed = asys.closeNow(h);
        for (int i = 0; i < n; i++) {
            try {
                reads.get(i).get(5, TimeUnit.SECONDS);
                fail("read " + i + " was not cancelled");
            } catch (ExecutionException e) {
                assertEquals(Errno.ECANCELED, Errors.errnoOf(e.getCause()), "read " + i);
            } catch (java.util.concurrent.TimeoutException e) {
                fail("read " + i + " of " + n + " still pending after closeNow");
            }
        }
        assertEquals(0, get(closed));
    }

    @Test
    void closeCancelsWhatIsInFlight() throws Exception {
        Asys own = Asys.open();
        CompletableFuture<Integer> read = own.read(fifo, buffer(4096), 0);
        CompletableFuture<Integer> timed = own.submit(new Op.Read(fifo, buffer(4096), 0), Duration.ofSeconds(20));
        CompletableFuture<Integer> sleep = own.sleep(Duration.ofSeconds(20));
        Thread.sleep(20);
        own.close();
        assertTrue(read.isDone() && timed.isDone() && sleep.isDone(), "close completes everything before it returns");
        assertEquals(Errno.ECANCELED, errno(read, Errno.ECANCELED).errno());
        assertEquals(ErrnoException.class, failure(timed).getClass(), "cancelled by close, not timed out");
        errno(sleep, Errno.ECANCELED);
        assertEquals(0, fifo.inFlight());
        assertInstanceOf(IllegalStateException.class, failure(own.nop()), "submit after close");
        assertInstanceOf(IllegalStateException.class, failure(own.read(fifo, buffer(16), 0)));
        assertInstanceOf(IllegalStateException.class, failure(own.syscall(RawCall.of("getpid"))));
        assertEquals(0, fifo.inFlight(), "a refused read gives its hold back");
        own.close();
    }

    @Test
    @Timeout(30)
    void submissionsRacingWithCloseCompleteExactlyOnceAndReleaseTheirHolds() throws Exception {
        int threads = 4;
        int perThread = 3000;
        AtomicReferenceArray<CompletableFuture<?>> futures = new AtomicReferenceArray<>(threads * perThread);
        AtomicIntegerArray completions = new AtomicIntegerArray(threads * perThread);
        Asys racing = Asys.open();
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            workers.add(Thread.ofPlatform().start(() -> {
                MemorySegment in = buffer(4096);
                for (int k = 0; k < perThread; k++) {
                    int idx = base + k;
                    CompletableFuture<?> f = switch (k % 3) {
                        case 0 -> racing.nop();
                        case 1 -> racing.read(fifo, in, 0);
                        default -> racing.syscall(RawCall.of("getpid"));
                    };
                    futures.set(idx, f);
                    f.whenComplete((r, e) -> completions.incrementAndGet(idx));
                    if (k == 100) {
                        started.countDown();
                    }
                }
            }));
        }
        started.await(5, TimeUnit.SECONDS);
        racing.close();
        for (Thread w : workers) {
            w.join(20_000);
            assertFalse(w.isAlive(), w + " stuck submitting");
        }
        Thread.sleep(50);
        for (int i = 0; i < threads * perThread; i++) {
            CompletableFuture<?> f = futures.get(i);
            assertTrue(f.isDone(), "future " + i + " still pending after close");
            assertEquals(1, completions.get(i), "completions of future " + i);
            if (f.isCompletedExceptionally()) {
                Throwable cause = assertThrows(ExecutionException.class, () -> f.get(0, TimeUnit.SECONDS)).getCause();
                assertTrue(cause instanceof IllegalStateException || Errors.errnoOf(cause) == Errno.ECANCELED,
                        "future " + i + ": " + cause);
            }
        }
        assertEquals(0, fifo.inFlight(), "every read gave its hold on the handle back");
    }

    @Test
    @Timeout(30)
    void cancellationRacesAndCloseCompleteEveryFutureExactlyOnce() throws Exception {
        int threads = 4;
        int perThread = 5000;
        int total = threads * perThread;
        AtomicReferenceArray<CompletableFuture<Integer>> futures = new AtomicReferenceArray<>(total);
        AtomicIntegerArray completions = new AtomicIntegerArray(total);
        Asys stress = Asys.open();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            workers.add(Thread.ofPlatform().name("stress-" + t).start(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                MemorySegment in = buffer(4096);
                for (int k = 0; k < perThread; k++) {
                    int idx = base + k;
                    int kind = rnd.nextInt(100);
                    CompletableFuture<Integer> f;
                    if (kind < 55) {
                        f = stress.nop();
                    } else if (kind < 85) {
                        f = stress.sleep(Duration.ofNanos(rnd.nextLong(2_000_001)));
                    } else if (kind < 90) {
                        f = stress.submit(new Op.Nop(), Duration.ofSeconds(1));
                    } else if (kind < 95) {
                        f = stress.submit(new Op.Read(fifo, in, 0), Duration.ofNanos(rnd.nextLong(100_000, 3_000_000)));
                    } else {
                        f = stress.read(fifo, in, 0);
                    }
                    futures.set(idx, f);
                    f.whenComplete((r, e) -> completions.incrementAndGet(idx));
                    if (rnd.nextInt(4) == 0) {
                        CompletableFuture<Integer> victim = futures.get(base + rnd.nextInt(k + 1));
                        if (rnd.nextBoolean()) {
                            stress.cancel(victim);
                        } else {
                            victim.cancel(true);
                        }
                    }
                }
            }));
        }
        for (Thread w : workers) {
            w.join(20_000);
            assertFalse(w.isAlive(), w + " stuck submitting");
        }
        stress.close();

        int succeeded = 0;
        int cancelled = 0;
        int failed = 0;
        for (int i = 0; i < total; i++) {
            CompletableFuture<Integer> f = futures.get(i);
            assertTrue(f.isDone(), "future " + i + " still pending after close");
            assertEquals(1, completions.get(i), "completions of future " + i);
            if (f.isCancelled()) {
                cancelled++;
            } else if (f.isCompletedExceptionally()) {
                Throwable cause = assertThrows(ExecutionException.class, () -> f.get(0, TimeUnit.SECONDS)).getCause();
                assertEquals(Errno.ECANCELED, Errors.errnoOf(cause), "future " + i + ": " + cause);
                failed++;
            } else {
                assertEquals(0, f.getNow(-1), "future " + i);
                succeeded++;
            }
        }
        assertEquals(total, succeeded + cancelled + failed);
        assertTrue(succeeded > 0 && cancelled > 0, succeeded + " ok, " + cancelled + " cancelled, " + failed + " ECANCELED");
        Thread.sleep(50);
        for (int i = 0; i < total; i++) {
            assertEquals(1, completions.get(i), "late completion of future " + i);
        }
        assertEquals(0, fifo.inFlight(), "every read gave its hold on the handle back");
    }
}
