package io.asys;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.asys.TypedApiTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The blocking facade on virtual and platform threads, on the engine of the run. */
@Timeout(60)
class AsysBlockingTest {
    private static Asys asys;
    private static Blocking io;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() throws Exception {
        asys = Asys.open();
        io = Blocking.of(asys);
    }

    @AfterAll
    static void close() {
        if (asys != null) {
            asys.close();
        }
    }

    private static int osThreads() {
        return new java.io.File("/proc/self/task").list().length;
    }

    @Test
    void readsIntoReadOnlyOrClosedBuffersAreRefusedBeforeAnySystemCall() throws Exception {
        Path p = java.nio.file.Files.write(dir.resolve("ro"), pattern(64, 3));
        FileHandle h = io.open(p, FileDescriptors.O_RDONLY, 0);
        java.lang.foreign.MemorySegment backing = java.lang.foreign.Arena.ofAuto().allocate(16);
        java.lang.foreign.MemorySegment readOnly = backing.asReadOnly();
        assertThrows(RuntimeException.class, () -> io.read(h, readOnly, 0), "a read-only buffer");
        assertEquals(-1, backing.mismatch(java.lang.foreign.Arena.ofAuto().allocate(16)), "nothing written into it");
        java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined();
        java.lang.foreign.MemorySegment closed = arena.allocate(16);
        arena.close();
        assertThrows(RuntimeException.class, () -> io.read(h, closed, 0), "a buffer whose arena is closed");
        io.close(h);
    }

    @Test
    void fileCallsReturnAsPlainCallsDo() throws Exception {
        Path p = dir.resolve("f");
        byte[] data = pattern(10_000, 1);
        FileHandle h = io.open(p, O_CREAT | O_RDWR, 0644);
        assertEquals(data.length, io.write(h, bytes(data), 0));
        io.fsync(h);
        MemorySegment b = buffer(16384);
        assertEquals(data.length, io.read(h, b, 0), "from the page cache");
        assertArrayEquals(data, toArray(b, data.length));
        assertEquals(0, io.read(h, b, data.length), "at end of file");
        assertEquals(10, io.read(h, b.asSlice(0, 10), 9990));
        assertEquals(data.length, io.statx(p).size());
        io.ftruncate(h, 5);
        assertEquals(5, io.statx(p).size());
        io.close(h);
        assertFalse(h.isOpen());
        ErrnoException e = assertThrows(ErrnoException.class, () -> io.read(h, b, 0));
        assertEquals(Errno.EBADF, e.errno());
        Path q = dir.resolve("g");
        io.rename(p, q, 0);
        io.mkdir(dir.resolve("d"), 0755);
        io.rmdir(dir.resolve("d"));
        io.unlink(q);
        assertThrows(NoSuchFileException.class, () -> io.open(q, O_RDONLY, 0));
        assertThrows(NoSuchFileException.class, () -> io.statx(q));
    }

    @Test
    void thousandsOfParkedVirtualThreadsHoldNoOsThreads() throws Exception {
        int before = osThreads();
        int n = 2000;
        CountDownLatch started = new CountDownLatch(n);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                started.countDown();
                try {
                    io.sleep(Duration.ofMillis(1500));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        started.await();
        Thread.sleep(300);
        int during = osThreads();
        for (Thread t : threads) {
            t.join();
        }
        // Carriers (one per core) and a few engine threads at most; never one per parked thread.
        assertTrue(during - before < 24, "OS threads " + before + " before, " + during + " with " + n + " parked");
    }

    @Test
    void interruptCancelsAParkedCallWhichStillCompletesOnce() throws Exception {
        for (boolean virtual : new boolean[] {true, false}) {
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
            CompletableFuture<AsysFuture<Integer>> op = new CompletableFuture<>();
            Runnable body = () -> {
                try {
                    AsysFuture<Integer> f = asys.sleep(Duration.ofSeconds(30));
                    op.complete(f);
                    io.await(f);
                    thrown.complete(null);
                } catch (Throwable e) {
                    thrown.complete(e);
                }
                interrupted.complete(Thread.currentThread().isInterrupted());
            };
            Thread t = virtual ? Thread.ofVirtual().start(body) : Thread.ofPlatform().start(body);
            AsysFuture<Integer> f = op.get(5, TimeUnit.SECONDS);
            Thread.sleep(100);
            t.interrupt();
            assertInstanceOf(InterruptedIOException.class, thrown.get(5, TimeUnit.SECONDS));
            assertTrue(interrupted.get(), "the interrupt status is kept");
            assertTrue(f.isDone(), "the operation completed before the call returned");
            ErrnoException e = assertInstanceOf(ErrnoException.class, failure(f));
            assertEquals(Errno.ECANCELED, e.errno());
        }
    }

    @Test
    void directReadsOnVirtualThreads() throws Exception {
        Path p = dir.resolve("direct");
        byte[] data = pattern(64 * 4096, 5);
        Files.write(p, data);
        FileHandle h;
        try {
            h = io.open(p, O_RDONLY | Op.O_DIRECT, 0);
        } catch (ErrnoException e) {
            org.junit.jupiter.api.Assumptions.assumeTrue(e.errno() != Errno.EINVAL, "no O_DIRECT on this file system");
            throw e;
        }
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 64; i++) {
            int block = i;
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

    @Test
    void tcpRoundTripOnVirtualThreads() throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        int port = freePort();
        FileHandle server = io.tcpSocket(any);
        io.bind(server, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        io.listen(server, 8);
        CompletableFuture<String> echoed = new CompletableFuture<>();
        Thread serverThread = Thread.ofVirtual().start(() -> {
            try {
                FileHandle c = io.accept(server);
                MemorySegment b = buffer(64);
                int n = io.recv(c, b);
                io.send(c, b.asSlice(0, n));
                io.close(c);
            } catch (Exception e) {
                echoed.completeExceptionally(e);
            }
        });
        Thread.ofVirtual().start(() -> {
            try {
                FileHandle c = io.tcpSocket(any);
                io.connect(c, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                io.send(c, bytes("ping".getBytes()));
                MemorySegment b = buffer(64);
                int n = io.recv(c, b);
                echoed.complete(new String(toArray(b, n)));
                io.close(c);
            } catch (Exception e) {
                echoed.completeExceptionally(e);
            }
        });
        assertEquals("ping", echoed.get(10, TimeUnit.SECONDS));
        serverThread.join();
        io.close(server);
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void rawCallsAndTheirErrors() throws Exception {
        assertEquals(ProcessHandle.current().pid(), io.syscall(RawCall.of("getpid")));
        ErrnoException e = assertThrows(ErrnoException.class, () -> io.syscall(RawCall.of("fsync").arg(-1)));
        assertEquals(Errno.EBADF, e.errno());
        assertThrows(UnsupportedOperationException.class, () -> io.syscall(RawCall.of("fork")));
    }
}
