package io.asys;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Virtual threads parked in blocking pipe reads through {@link Blocking}, interrupted at random
 * while a writer feeds the pipes: an interrupted read throws {@link InterruptedIOException}
 * carrying the bytes it did read ({@code bytesTransferred}), every read completes exactly once,
 * and not a byte is lost or read twice.
 */
class AsysInterruptStressTest {
    private static final int PIPES = 48;
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
    void interruptedReadsLoseNoByte() throws Exception {
        Blocking io = Blocking.of(asys);
        FileHandle[][] pipes = new FileHandle[PIPES][];
        for (int i = 0; i < PIPES; i++) {
            pipes[i] = asys.pipe();
        }
        long[] written = new long[PIPES];
        AtomicLong[] read = new AtomicLong[PIPES];
        AtomicLong interrupts = new AtomicLong();
        AtomicLong partial = new AtomicLong();
        List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < PIPES; i++) {
            read[i] = new AtomicLong();
            FileHandle in = pipes[i][0];
            AtomicLong mine = read[i];
            readers.add(Thread.ofVirtual().start(() -> {
                MemorySegment buffer = Arena.ofAuto().allocate(512);
                while (true) {
                    AsysFuture<Integer> f = asys.read(in, buffer, -1);
                    try {
                        int n = io.await(f);
                        if (n == 0) {
                            return; // end of stream: the writer closed its end
                        }
                        mine.addAndGet(n);
                    } catch (InterruptedIOException e) {
                        Thread.interrupted();
                        interrupts.incrementAndGet();
                        if (e.bytesTransferred > 0) {
                            partial.incrementAndGet();
                        }
                        mine.addAndGet(e.bytesTransferred);
                    } catch (Exception e) {
                        wrong.add(e.toString());
                        return;
                    }
                    if (!f.isDone() || f.deliveries() != 1) {
                        wrong.add("a read returned with its future " + (f.isDone() ? "delivered " + f.deliveries() + " times" : "pending"));
                    }
                }
            }));
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread chaos = Thread.ofPlatform().start(() -> {
            Random rnd = new Random(5);
            while (writing.get()) {
                readers.get(rnd.nextInt(PIPES)).interrupt();
                java.util.concurrent.locks.LockSupport.parkNanos(20_000 + rnd.nextInt(100_000));
            }
        });
        Random rnd = new Random(11);
        MemorySegment chunk = Arena.ofAuto().allocate(300);
        long end = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < end) {
            int p = rnd.nextInt(PIPES);
            int n = 1 + rnd.nextInt(300);
            written[p] += TypedApiTestSupport.get(asys.write(pipes[p][1], chunk.asSlice(0, n), -1));
        }
        writing.set(false);
        chaos.join();
        for (int i = 0; i < PIPES; i++) {
            TypedApiTestSupport.get(asys.close(pipes[i][1]));
        }
        for (Thread r : readers) {
            r.join(30_000);
            assertTrue(!r.isAlive(), "a reader never saw the end of its pipe");
        }
        assertTrue(wrong.isEmpty(), wrong.toString());
        for (int i = 0; i < PIPES; i++) {
            assertEquals(written[i], read[i].get(), "pipe " + i + ": bytes read, interrupted reads included");
            TypedApiTestSupport.get(asys.close(pipes[i][0]));
        }
        assertTrue(interrupts.get() > 0, "the readers were interrupted");
    }
}
