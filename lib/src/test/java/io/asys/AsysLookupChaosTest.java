package io.asys;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The lookup threads under load with calls that block for good: four threads submit statx,
 * batches, opens and closes of plain files and opens of FIFOs without a writer (which hold pool
 * threads until cancelled, so the pool adds threads), and cancel earlier requests at random;
 * then asys is closed while some FIFO opens still block. Every request completes exactly once,
 * with its result, ECANCELED, or the refusal after close; every descriptor opened gets closed.
 */
class AsysLookupChaosTest {
    @TempDir
    Path dir;

    @Test
    void everyRequestCompletesOnceWhileCallsBlockAndGetCancelled() throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            files.add(Files.write(dir.resolve("f" + i), new byte[i]));
        }
        List<Path> fifos = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fifos.add(TypedApiTestSupport.mkfifo(dir.resolve("fifo" + i)));
        }
        ConcurrentLinkedQueue<CompletableFuture<?>> all = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<CompletableFuture<FileHandle>> opens = new ConcurrentLinkedQueue<>();
        Asys asys = TypedApiTestSupport.openWithStatxRoute(null);
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                List<CompletableFuture<?>> mine = new ArrayList<>();
                int blocking = 0;
                while (System.nanoTime() < end) {
                    Path file = files.get(random.nextInt(files.size()));
                    CompletableFuture<?> f;
                    switch (random.nextInt(10)) {
                        case 0, 1, 2 -> f = asys.statx(file);
                        case 3 -> f = asys.statx(files.subList(0, 1 + random.nextInt(files.size())));
                        case 4, 5, 6 -> {
                            CompletableFuture<FileHandle> o = asys.open(file, FileDescriptors.O_RDONLY, 0);
                            opens.add(o);
                            f = o.thenCompose(asys::close);
                        }
                        case 7 -> {
                            if (blocking++ >= 3) {
                                continue;
                            }
                            CompletableFuture<FileHandle> o = asys.open(fifos.get(random.nextInt(fifos.size())),
                                    FileDescriptors.O_RDONLY, 0);
                            opens.add(o);
                            f = o;
                        }
                        default -> {
                            if (!mine.isEmpty()) {
                                asys.cancel(mine.get(random.nextInt(mine.size())));
                            }
                            continue;
                        }
                    }
                    mine.add(f);
                    all.add(f);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        asys.close();
        int ok = 0;
        int cancelled = 0;
        for (CompletableFuture<?> f : all) {
            try {
                f.get(15, TimeUnit.SECONDS);
                ok++;
            } catch (TimeoutException e) {
                fail("a request never completed: " + f);
            } catch (ExecutionException e) {
                Throwable c = e.getCause() instanceof java.util.concurrent.CompletionException ce ? ce.getCause() : e.getCause();
                assertTrue(c instanceof ErrnoException x && x.errno() == Errno.ECANCELED
                        || c instanceof IllegalStateException, "unexpected failure " + c);
                cancelled++;
            }
            if (f instanceof AsysFuture<?> af) {
                assertEquals(1, af.deliveries(), "completed exactly once");
            }
        }
        // Descriptors that did open (FIFO opens a writer never released cannot succeed) are closed.
        for (CompletableFuture<FileHandle> o : opens) {
            if (!o.isCompletedExceptionally()) {
                FileHandle h = o.get();
                asys.close(h).get(5, TimeUnit.SECONDS);
                assertTrue(!h.isOpen());
            }
        }
        assertTrue(ok > 100 && cancelled > 0, ok + " completed, " + cancelled + " cancelled or refused");
    }
}
