package io.asys.internal.workers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompletionRingTest {
    private static long[] attrs(long userData, int count) {
        long[] a = new long[3 * count];
        for (int i = 0; i < count; i++) {
            a[3 * i] = i + 1;
            a[3 * i + 1] = i;
            a[3 * i + 2] = userData * 31 + i;
        }
        return a;
    }

    @Test
    void recordsComeOutInOrderWithTheirAttributes() {
        var ring = new CompletionRing(1024, () -> { });
        for (int i = 0; i < 10; i++) {
            assertTrue(ring.offer(i, -i, attrs(i, i % 4)));
        }
        List<Long> seen = new ArrayList<>();
        int n = ring.poll((userData, res, a) -> {
            assertEquals(-userData, res);
            assertEquals(userData % 4, a.count());
            for (int i = 0; i < a.count(); i++) {
                assertEquals(userData * 31 + i, a.value(i));
                assertEquals(i + 1, a.id(i));
            }
            seen.add(userData);
        });
        assertEquals(10, n);
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), seen);
        assertEquals(0, ring.poll((u, r, a) -> { }));
    }

    @Test
    void fullRingOverflowsAndTheOverflowIsDrainedInOrderAfterTheRing() {
        var ring = new CompletionRing(64, () -> { });
        int inRing = 0;
        for (int i = 0; i < 5; i++) {
            if (ring.offer(i, 0, null)) {
                inRing++;
            }
        }
        assertEquals(2, inRing, "64 bytes hold two 24-byte records");
        assertEquals(3, ring.overflowSize());
        List<Long> seen = new ArrayList<>();
        ring.poll((u, r, a) -> seen.add(u));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), seen);
        assertEquals(0, ring.overflowSize());
    }

    @Test
    void recordsWrapAroundTheEndWithPadding() {
        var ring = new CompletionRing(128, () -> { });
        List<Long> seen = new ArrayList<>();
        for (long i = 0; i < 1000; i++) {
            assertTrue(ring.offer(i, 1, attrs(i, (int) (i % 3))), "the ring is drained each time, so it fits");
            ring.poll((u, r, a) -> {
                assertEquals(u % 3, a.count());
                seen.add(u);
            });
        }
        assertEquals(1000, seen.size());
        for (int i = 0; i < 1000; i++) {
            assertEquals(i, seen.get(i));
        }
    }

    @Test
    void aSleepingConsumerIsSignalledAndAnAwakeOneIsNot() {
        AtomicInteger signals = new AtomicInteger();
        var ring = new CompletionRing(256, signals::incrementAndGet);
        ring.offer(1, 0, null);
        assertEquals(0, signals.get());
        assertFalse(ring.prepareWait(), "a completion is already there: do not sleep");
        ring.poll((u, r, a) -> { });
        assertTrue(ring.prepareWait());
        ring.offer(2, 0, null);
        assertEquals(1, signals.get());
        ring.endWait();
    }

    @Test
    void capacityMustBeAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new CompletionRing(1000, () -> { }));
        assertThrows(IllegalArgumentException.class, () -> new CompletionRing(32, () -> { }));
    }

    @Test
    @Timeout(30)
    void manyProducersLoseNothingAndDuplicateNothing() throws Exception {
        int producers = 4;
        int perProducer = 200_000;
        var ring = new CompletionRing(4096, () -> { });
        var start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int id = p;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perProducer; i++) {
                    long userData = (long) id * perProducer + i;
                    ring.offer(userData, (int) (userData & 0xFFFF), attrs(userData, i % 3));
                }
            }));
        }
        BitSet seen = new BitSet(producers * perProducer);
        int[] total = {0};
        long[] lastPerProducer = new long[producers];
        java.util.Arrays.fill(lastPerProducer, -1);
        CompletionRing.Handler check = (u, r, a) -> {
            if (seen.get((int) u)) {
                throw new AssertionError("duplicate " + u);
            }
            seen.set((int) u);
            assertEquals((int) (u & 0xFFFF), r);
            assertEquals((u % perProducer) % 3, a.count());
            for (int i = 0; i < a.count(); i++) {
                assertEquals(u * 31 + i, a.value(i));
            }
            total[0]++;
        };
        start.countDown();
        while (total[0] < producers * perProducer) {
            ring.poll(check);
        }
        for (Thread t : threads) {
            t.join();
        }
        ring.poll(check);
        assertEquals(producers * perProducer, seen.cardinality());
    }
}
