package io.asys;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.asys.TypedApiTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The blocking facade's cap on O_DIRECT operations in flight ({@link DirectAdmission}): never more
 * than the cap started at once, every operation started exactly once and in order, one withdrawn
 * before it started never starts, and O_DIRECT reads through a small cap return the data.
 */
class AsysDirectAdmissionTest {
    private static Asys asys;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() throws Exception {
        asys = Asys.open();
    }

    @AfterAll
    static void close() {
        asys.close();
    }

    @Test
    void neverMoreThanTheCapInFlightAndEachStartsOnceInOrder() throws Exception {
        DirectAdmission cap = new DirectAdmission(3);
        List<AsysFuture<Integer>> started = java.util.Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Integer>> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            all.add(cap.submit(() -> {
                AsysFuture<Integer> f = new AsysFuture<>();
                started.add(f);
                return f;
            }));
        }
        assertEquals(3, started.size(), "the first 3 start, the rest wait");
        for (int i = 0; i < 40; i++) {
            started.get(i).complete(i); // frees a place: the next one starts
            assertEquals(Math.min(40, i + 4), started.size(), "after " + (i + 1) + " completions");
            assertEquals(i, all.get(i).get(5, TimeUnit.SECONDS), "started in arrival order");
        }
    }

    @Test
    void aWithdrawnOperationNeverStarts() throws Exception {
        DirectAdmission cap = new DirectAdmission(1);
        CompletableFuture<Integer> first = cap.submit(() -> asys.sleep(Duration.ofMillis(200)));
        AtomicInteger secondStarts = new AtomicInteger();
        CompletableFuture<Integer> second = cap.submit(() -> {
            secondStarts.incrementAndGet();
            return asys.sleep(Duration.ZERO);
        });
        DirectAdmission.Waiting waiting = (DirectAdmission.Waiting) second;
        waiting.withdraw(asys);
        assertThrows(CancellationException.class, second::join);
        assertEquals(0, first.get(5, TimeUnit.SECONDS));
        CompletableFuture<Integer> third = cap.submit(() -> asys.sleep(Duration.ZERO));
        assertEquals(0, third.get(5, TimeUnit.SECONDS));
        assertEquals(0, secondStarts.get(), "withdrawn before its turn: never started");
    }

    @Test
    void anInterruptedWaiterThrowsAndItsReadNeverRuns() throws Exception {
        DirectAdmission cap = new DirectAdmission(1);
        CompletableFuture<Integer> first = cap.submit(() -> asys.sleep(Duration.ofMillis(300)));
        AtomicInteger starts = new AtomicInteger();
        Blocking io = Blocking.of(asys);
        Throwable[] thrown = new Throwable[1];
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                io.await(cap.submit(() -> {
                    starts.incrementAndGet();
                    return asys.sleep(Duration.ZERO);
                }));
            } catch (Throwable e) {
                thrown[0] = e;
            }
        });
        Thread.sleep(50);
        t.interrupt();
        t.join(5000);
        assertFalse(t.isAlive());
        assertTrue(thrown[0] instanceof InterruptedIOException, String.valueOf(thrown[0]));
        assertEquals(0, first.get(5, TimeUnit.SECONDS));
        assertEquals(0, starts.get());
    }

    @Test
    void directReadsThroughASmallCapReturnTheData() throws Exception {
        Path p = dir.resolve("direct");
        byte[] data = pattern(64 * 4096, 3);
        Files.write(p, data);
        String old = System.getProperty(DirectAdmission.DEPTH_PROP_NAME);
        System.setProperty(DirectAdmission.DEPTH_PROP_NAME, "4");
        Blocking io;
        try {
            io = Blocking.of(asys);
        } finally {
            if (old == null) {
                System.clearProperty(DirectAdmission.DEPTH_PROP_NAME);
            } else {
                System.setProperty(DirectAdmission.DEPTH_PROP_NAME, old);
            }
        }
        FileHandle h;
        try {
            h = io.open(p, O_RDONLY | Op.O_DIRECT, 0);
        } catch (ErrnoException e) {
            org.junit.jupiter.api.Assumptions.assumeTrue(e.errno() != Errno.EINVAL, "no O_DIRECT on this file system");
            throw e;
        }
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 200; i++) {
            int block = i % 64;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    MemorySegment b = buffer(4096);
                    assertEquals(4096, io.read(h, b, block * 4096L));
                    assertArrayEquals(java.util.Arrays.copyOfRange(data, block * 4096, block * 4096 + 4096), toArray(b, 4096));
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        io.close(h);
        assertEquals(List.of(), failures);
    }
}
