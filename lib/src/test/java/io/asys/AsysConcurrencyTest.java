package io.asys;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.asys.TypedApiTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AsysConcurrencyTest {
    private static final int BLOCK = 4096;
    private static final int BLOCKS = 256;
    private static final int OPS_PER_THREAD = 2000;
    /** Operations each thread keeps in flight before it checks them (divides OPS_PER_THREAD). */
    private static final int WINDOW = 50;

    private static Asys asys;
    private static byte[] content;
    private static FileHandle file;

    @TempDir
    static Path dir;

    @BeforeAll
    static void open() throws Exception {
        assumeIoUring();
        asys = Asys.open();
        content = new byte[BLOCK * BLOCKS];
        ThreadLocalRandom.current().nextBytes(content);
        Path path = Files.write(dir.resolve("data"), content);
        file = get(asys.open(path, O_RDONLY, 0));
    }

    @AfterAll
    static void close() throws Exception {
        if (asys != null) {
            if (file != null) {
                assertEquals(0, get(asys.close(file)));
            }
            asys.close();
        }
    }

    /** Submits {@link #OPS_PER_THREAD} nops and reads in windows, checking each result and that each future completed once. */
    private static void submitter(AtomicLong completions, ConcurrentLinkedQueue<Throwable> errors) {
        try {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            MemorySegment[] buffers = new MemorySegment[WINDOW];
            for (int i = 0; i < WINDOW; i++) {
                buffers[i] = buffer(BLOCK);
            }
            for (int done = 0; done < OPS_PER_THREAD; done += WINDOW) {
                List<CompletableFuture<Integer>> futures = new ArrayList<>(WINDOW);
                int[] blocks = new int[WINDOW];
                AtomicInteger[] counts = new AtomicInteger[WINDOW];
                for (int i = 0; i < WINDOW; i++) {
                    blocks[i] = rnd.nextBoolean() ? -1 : rnd.nextInt(BLOCKS);
                    CompletableFuture<Integer> f = blocks[i] < 0 ? asys.nop()
                            : asys.read(file, buffers[i], (long) blocks[i] * BLOCK);
                    AtomicInteger n = counts[i] = new AtomicInteger();
                    // Wait on the dependent stage: it completes only after the callback has run.
                    futures.add(f.whenComplete((r, t) -> {
                        n.incrementAndGet();
                        completions.incrementAndGet();
                    }));
                }
                for (int i = 0; i < WINDOW; i++) {
                    int res = futures.get(i).get(5, TimeUnit.SECONDS);
                    assertEquals(1, counts[i].get(), "completions");
                    if (blocks[i] < 0) {
                        assertEquals(0, res, "nop");
                    } else {
                        assertEquals(BLOCK, res, "read of block " + blocks[i]);
                        int from = blocks[i] * BLOCK;
                        assertTrue(Arrays.equals(content, from, from + BLOCK, toArray(buffers[i], BLOCK), 0, BLOCK),
                                "bytes of block " + blocks[i]);
                    }
                }
            }
        } catch (Throwable t) {
            errors.add(t);
        }
    }

    @Test
    @Timeout(30)
    void platformAndVirtualThreadsSubmitConcurrently() throws Exception {
        AtomicLong completions = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            threads.add(Thread.ofPlatform().name("platform-submitter-" + i).unstarted(() -> submitter(completions, errors)));
        }
        for (int i = 0; i < 200; i++) {
            threads.add(Thread.ofVirtual().name("virtual-submitter-" + i).unstarted(() -> submitter(completions, errors)));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(25_000);
            assertFalse(t.isAlive(), t + " did not finish");
        }
        if (!errors.isEmpty()) {
            AssertionError e = new AssertionError(errors.size() + " submitters failed; first: " + errors.peek(), errors.peek());
            errors.stream().skip(1).limit(5).forEach(e::addSuppressed);
            throw e;
        }
        long expected = (long) threads.size() * OPS_PER_THREAD;
        assertEquals(expected, completions.get());
        assertEquals(0, file.inFlight(), "every read gave its hold back");
        assertEquals(0, get(asys.nop()));
    }
}
