package io.asys;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import static io.asys.TypedApiTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AsysFileOpsTest {
    private static final long F_GETFD = 1;
    private static final int POSIX_FADV_WILLNEED = 3;

    private static Asys asys;

    @TempDir
    Path dir;

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

    @Test
    void writeReadSyncTruncateAllocateAdviseRoundTrip() throws Exception {
        Path file = dir.resolve("data");
        FileHandle h = get(asys.open(file, O_CREAT | O_RDWR | O_TRUNC, 0644));
        assertTrue(h.fd() >= 0);
        assertEquals(file.toString(), h.path());
        assertTrue(h.isOpen());

        byte[] data = pattern(10_000, 7);
        assertEquals(10_000, get(asys.write(h, bytes(data), 0)));
        assertEquals(100, get(asys.write(h, bytes(pattern(100, 9)), 20_000)));
        assertEquals(0, get(asys.fdatasync(h)));
        assertEquals(0, get(asys.fsync(h)));
        assertEquals(20_100, Files.size(file));

        MemorySegment in = buffer(16_384);
        assertEquals(10_000, get(asys.read(h, in.asSlice(0, 10_000), 0)));
        assertArrayEquals(data, toArray(in, 10_000));
        assertEquals(100, get(asys.read(h, in.asSlice(0, 4096), 20_000)), "short read at EOF");
        assertArrayEquals(pattern(100, 9), toArray(in, 100));
        assertEquals(0, get(asys.read(h, in.asSlice(0, 4096), 30_000)), "read past EOF");

        assertEquals(0, get(asys.ftruncate(h, 5000)));
        assertEquals(5000, Files.size(file));
        assertEquals(5000, get(asys.read(h, in, 0)));
        assertArrayEquals(java.util.Arrays.copyOf(data, 5000), toArray(in, 5000));

        assertEquals(0, get(asys.fallocate(h, 0, 0, 65_536)));
        assertEquals(65_536, Files.size(file));
        assertEquals(0, get(asys.fadvise(h, 0, 0, POSIX_FADV_WILLNEED)));

        assertEquals(0, get(asys.close(h)));
        assertFalse(h.isOpen());
        assertArrayEquals(java.util.Arrays.copyOf(data, 5000), java.util.Arrays.copyOf(Files.readAllBytes(file), 5000));
    }

    @Test
    void openOfAMissingFileIsNoSuchFile() {
        Path missing = dir.resolve("missing");
        Throwable t = failure(asys.open(missing, O_RDONLY, 0));
        assertInstanceOf(NoSuchFileException.class, t);
        assertTrue(t.getMessage().contains("openat"), t.getMessage());
        assertTrue(t.getMessage().contains("ENOENT"), t.getMessage());
        assertTrue(t.getMessage().contains(missing.toString()), t.getMessage());
        assertEquals(Errno.ENOENT, Errors.errnoOf(t));
    }

    @Test
    void exclusiveCreateOfAnExistingFileIsFileAlreadyExists() throws Exception {
        Path file = Files.writeString(dir.resolve("exists"), "x");
        Throwable t = failure(asys.open(file, O_CREAT | O_EXCL | O_RDWR, 0644));
        assertInstanceOf(FileAlreadyExistsException.class, t);
        assertTrue(t.getMessage().contains("EEXIST"), t.getMessage());
        assertTrue(t.getMessage().contains("openat"), t.getMessage());
        assertTrue(t.getMessage().contains(file.toString()), t.getMessage());
    }

    @Test
    void readAfterCloseFailsWithEbadfAtOnce() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "hello");
        FileHandle h = get(asys.open(file, O_RDONLY, 0));
        CompletableFuture<Integer> closed = asys.close(h);
        CompletableFuture<Integer> read = asys.read(h, buffer(4096), 0);
        assertTrue(read.isDone(), "a read on a closing handle fails before reaching the engine");
        ErrnoException e = errno(read, Errno.EBADF);
        assertEquals("read", e.operation());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertEquals(0, get(closed));
    }

    @Test
    void closeTwiceClosesTheDescriptorOnce() throws Exception {
        Path file = Files.writeString(dir.resolve("once"), "x");
        FileHandle h = get(asys.open(file, O_RDONLY, 0));
        int fd = h.fd();
        assertEquals(0, get(asys.syscall(RawCall.of("fcntl").arg((long) fd).arg(F_GETFD))) & ~1L, "open");
        CompletableFuture<Integer> first = asys.close(h);
        assertEquals(0, get(first));
        errno(asys.syscall(RawCall.of("fcntl").arg((long) fd).arg(F_GETFD)), Errno.EBADF);

        // A new descriptor most likely reuses the number: a second close must not touch it.
        FileHandle other = get(asys.open(file, O_RDONLY, 0));
        assertSame(first, asys.close(h));
        assertSame(first, h.closeFuture());
        get(asys.nop());
        assertTrue(get(asys.syscall(RawCall.of("fcntl").arg((long) other.fd()).arg(F_GETFD))) >= 0,
                "the second close left fd " + other.fd() + " alone");
        assertEquals(0, get(asys.close(other)));
    }

    @Test
    void closeWaitsForOperationsInFlight() throws Exception {
        Path fifo = mkfifo(dir.resolve("fifo"));
        FileHandle h = get(asys.open(fifo, O_RDWR, 0));
        MemorySegment in = buffer(4096);
        CompletableFuture<Integer> read = asys.read(h, in, 0);
        CompletableFuture<Integer> closed = asys.close(h);
        Thread.sleep(100);
        assertFalse(read.isDone(), "no data yet");
        assertFalse(closed.isDone(), "close waits for the read");
        assertFalse(h.isOpen());
        errno(asys.read(h, buffer(16), 0), Errno.EBADF);

        Files.write(fifo, "ping".getBytes());
        assertEquals(4, get(read));
        assertArrayEquals("ping".getBytes(), toArray(in, 4));
        assertEquals(0, get(closed));
    }

    @Test
    void closeNowCancelsTheReadInFlightThenCloses() throws Exception {
        Path fifo = mkfifo(dir.resolve("fifo"));
        FileHandle h = get(asys.open(fifo, O_RDWR, 0));
        CompletableFuture<Integer> read = asys.read(h, buffer(4096), 0);
        Thread.sleep(20);
        assertFalse(read.isDone());
        CompletableFuture<Integer> closed = asys.closeNow(h);
        ErrnoException e = errno(read, Errno.ECANCELED);
        assertTrue(e.getMessage().contains(fifo.toString()), e.getMessage());
        assertEquals(0, get(closed));
        errno(asys.syscall(RawCall.of("fcntl").arg((long) h.fd()).arg(F_GETFD)), Errno.EBADF);
    }
}
