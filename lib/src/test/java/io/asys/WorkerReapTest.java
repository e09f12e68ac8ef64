package io.asys;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker engine's workers reap the completion ring themselves and run the first request a
 * completion's callback submits (an asynchronous loop's next operation) with no hand-off: every
 * operation still completes exactly once, in steady state and when the engine closes under it.
 */
class WorkerReapTest {
    private static final int LOOPS = 8;

    @Test
    void loopsThatResubmitFromCompletionsCompleteEveryOperationOnce(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[4096]);
        int perLoop = 500;
        AtomicInteger completions = new AtomicInteger();
        AtomicInteger onWorkers = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(LOOPS);
        try (Asys asys = Asys.open("workers")) {
            FileHandle handle = asys.open(file, FileDescriptors.O_RDWR, 0).get(5, TimeUnit.SECONDS);
            for (int i = 0; i < LOOPS; i++) {
                loop(asys, handle, perLoop, completions, onWorkers, done);
            }
            assertTrue(done.await(60, TimeUnit.SECONDS), "loops did not finish: " + completions.get() + " completions");
            asys.close(handle).get(5, TimeUnit.SECONDS);
        }
        assertEquals(LOOPS * perLoop, completions.get());
        assertTrue(onWorkers.get() > 0, "no completion was handled on a worker thread");
    }

    @Test
    void closeUnderResubmittingLoopsEndsEveryOperation(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[4096]);
        AtomicInteger completions = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(LOOPS);
        Asys asys = Asys.open("workers");
        FileHandle handle = asys.open(file, FileDescriptors.O_RDWR, 0).get(5, TimeUnit.SECONDS);
        for (int i = 0; i < LOOPS; i++) {
            loop(asys, handle, Integer.MAX_VALUE, completions, new AtomicInteger(), done);
        }
        Thread.sleep(100);
        asys.close();
        assertTrue(done.await(30, TimeUnit.SECONDS), "a loop's last operation never completed after close");
        assertTrue(completions.get() > 0);
    }

    @Test
    void closeFromACallbackOnAWorkerReturnsPromptly(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[4096]);
        Asys asys = Asys.open("workers");
        FileHandle handle = asys.open(file, FileDescriptors.O_RDWR, 0).get(5, TimeUnit.SECONDS);
        CompletableFuture<Long> closedIn = new CompletableFuture<>();
        // The loop runs until a completion lands on a worker, which then closes the engine.
        Runnable[] step = new Runnable[1];
        step[0] = () -> asys.fsync(handle).whenComplete((r, t) -> {
            if (t != null) {
                closedIn.completeExceptionally(t);
            } else if (Thread.currentThread().getName().startsWith("asys-worker-")) {
                long t0 = System.nanoTime();
                asys.close();
                closedIn.complete(System.nanoTime() - t0);
            } else {
                step[0].run();
            }
        });
        step[0].run();
        long nanos = closedIn.get(30, TimeUnit.SECONDS);
        assertTrue(nanos < TimeUnit.SECONDS.toNanos(5), "close from a worker's callback took " + nanos / 1_000_000 + " ms");
    }

    /** One loop: each fsync's completion submits the next, until {@code left} runs out or one fails. */
    private static void loop(Asys asys, FileHandle handle, int left, AtomicInteger completions, AtomicInteger onWorkers,
            CountDownLatch done) {
        CompletableFuture<Integer> f;
        try {
            f = asys.fsync(handle);
        } catch (RuntimeException e) {
            done.countDown();
            return;
        }
        AtomicInteger once = new AtomicInteger();
        f.whenComplete((r, t) -> {
            assertEquals(1, once.incrementAndGet(), "a completion ran twice");
            completions.incrementAndGet();
            if (Thread.currentThread().getName().startsWith("asys-worker-")) {
                onWorkers.incrementAndGet();
            }
            if (t != null || left <= 1) {
                done.countDown();
            } else {
                loop(asys, handle, left - 1, completions, onWorkers, done);
            }
        });
    }
}
