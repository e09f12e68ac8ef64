package io.asys;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Regression tests for races in the engines: every submitted operation completes exactly once. */
class AsysEngineRaceTest {

    /** A zero-length sleep whose timer fires before the submitter recorded it must still complete. */
    @Test
    @Timeout(60)
    void zeroSleepsAllComplete() throws Exception {
        try (Asys asys = Asys.open()) {
            List<CompletableFuture<Integer>> all = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                all.add(asys.sleep(Duration.ZERO));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        }
    }

    /** Operations submitted while the engine closes complete (success or failure), none hangs. */
    @Test
    @Timeout(120)
    void submitsRacingCloseAllComplete() throws Exception {
        for (int round = 0; round < 60; round++) {
            Asys asys = Asys.open();
            List<CompletableFuture<?>> all = java.util.Collections.synchronizedList(new ArrayList<>());
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < 300; i++) {
                        all.add(asys.sleep(Duration.ofNanos(i % 3 == 0 ? 0 : 1000)));
                        all.add(asys.nop());
                        all.add(asys.mkdir(java.nio.file.Path.of("/proc/self/nonexistent/x"), 0700));
                    }
                }));
            }
            go.countDown();
            Thread.sleep(round % 5);
            asys.close();
            for (Thread t : threads) {
                t.join();
            }
            for (int k = 0; k < all.size(); k++) {
                CompletableFuture<?> f = all.get(k);
                try {
                    f.handle((v, e) -> 0).get(15, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("an operation submitted during close never completed (round " + round
                            + ", kind " + (k % 3) + ", engine " + asys.engine() + ")");
                }
            }
            assertTrue(all.stream().allMatch(CompletableFuture::isDone));
        }
    }
}
