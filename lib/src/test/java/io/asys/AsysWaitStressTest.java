package io.asys;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Waits under load: many futex waits racing a waker (some cancelled, some with timeouts), and
 * messages from many threads to another instance. No wake-up is lost (every wait ends well
 * within its bound), every operation completes exactly once, every message arrives once.
 */
class AsysWaitStressTest {
    private static final java.lang.invoke.VarHandle WORD = ValueLayout.JAVA_INT.varHandle();
    private static Asys asys;

    @BeforeAll
    static void open() throws Exception {
        asys = Asys.open();
    }

    @AfterAll
    static void close() {
        asys.close();
    }

    @Test
    void futexWaitsRacingAWakerAllEndOnceWithNoWakeUpLost() throws Exception {
        MemorySegment word = Arena.ofAuto().allocate(4, 4);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong wakes = new AtomicLong();
        Thread waker = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                WORD.getAndAdd(word, 0L, 1);
                asys.futexWake(word, Integer.MAX_VALUE).join();
                wakes.incrementAndGet();
                java.util.concurrent.locks.LockSupport.parkNanos(50_000);
            }
        });
        int threads = 8;
        int each = 250;
        AtomicInteger woken = new AtomicInteger();
        AtomicInteger changed = new AtomicInteger();
        AtomicInteger cancelled = new AtomicInteger();
        AtomicInteger timedOut = new AtomicInteger();
        List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> waiters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            waiters.add(Thread.ofVirtual().start(() -> {
                java.util.Random rnd = new java.util.Random(id);
                for (int i = 0; i < each; i++) {
                    int seen = (int) WORD.getVolatile(word, 0L);
                    int roll = rnd.nextInt(20);
                    AsysFuture<Integer> f = roll == 0
                            ? asys.submit(new Op.FutexWait(word, seen, Op.FUTEX2_PRIVATE), Duration.ofNanos(rnd.nextInt(200_000)))
                            : asys.futexWait(word, seen);
                    if (roll == 1) {
                        asys.cancel(f);
                    }
                    try {
                        // The waker changes the word and wakes every 50 µs or so: 10 s means a lost wake-up.
                        assertEquals(0, f.get(10, TimeUnit.SECONDS));
                        woken.incrementAndGet();
                    } catch (ExecutionException e) {
                        int errno = Errors.errnoOf(e.getCause());
                        if (errno == Errno.EAGAIN) {
                            changed.incrementAndGet();
                        } else if (errno == Errno.ECANCELED && roll == 1) {
                            cancelled.incrementAndGet();
                        } else if (e.getCause() instanceof OperationTimeoutException && roll == 0) {
                            timedOut.incrementAndGet();
                        } else {
                            wrong.add("wait " + id + "/" + i + ": " + e.getCause());
                        }
                    } catch (Exception e) {
                        wrong.add("wait " + id + "/" + i + ": " + e);
                    }
                    if (f.deliveries() != 1) {
                        wrong.add("wait " + id + "/" + i + " delivered " + f.deliveries() + " times");
                    }
                }
            }));
        }
        for (Thread w : waiters) {
            w.join(120_000);
        }
        stop.set(true);
        waker.join(10_000);
        assertTrue(wrong.isEmpty(), wrong.toString());
        assertEquals(threads * each, woken.get() + changed.get() + cancelled.get() + timedOut.get());
        assertTrue(woken.get() > 0, "some waits slept and were woken (" + changed.get() + " found the word changed, "
                + wakes.get() + " wakes)");
    }

    @Test
    void messagesFromManyThreadsArriveOnceEach() throws Exception {
        int senders = 4;
        int each = 3000;
        BitSet seen = new BitSet(senders * each);
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger arrived = new AtomicInteger();
        try (Asys target = Asys.open()) {
            target.onMessage(v -> {
                synchronized (seen) {
                    if (seen.get(v)) {
                        duplicates.incrementAndGet();
                    }
                    seen.set(v);
                }
                arrived.incrementAndGet();
            });
            List<Thread> threads = new ArrayList<>();
            List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int s = 0; s < senders; s++) {
                int base = s * each;
                threads.add(Thread.ofPlatform().start(() -> {
                    List<AsysFuture<Integer>> sent = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        sent.add(asys.sendMessage(target, base + i));
                    }
                    for (AsysFuture<Integer> f : sent) {
                        try {
                            assertEquals(0, f.get(20, TimeUnit.SECONDS));
                        } catch (Exception e) {
                            wrong.add(e.toString());
                        }
                        if (f.deliveries() != 1) {
                            wrong.add("delivered " + f.deliveries() + " times");
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(60_000);
            }
            assertTrue(wrong.isEmpty(), wrong.size() + " sends failed, first: " + (wrong.isEmpty() ? "" : wrong.get(0)));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (arrived.get() < senders * each && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            assertEquals(senders * each, arrived.get(), "every message arrived");
            assertEquals(0, duplicates.get(), "none twice");
            assertEquals(senders * each, seen.cardinality());
        }
    }
}
