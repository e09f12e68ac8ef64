package io.asys;

import io.asys.nio.AsysFileChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.DELETE_ON_CLOSE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link AsysFileChannel} against the contract of {@link FileChannel}, on the engine of the run. */
@Timeout(60)
class AsysFileChannelTest {
    private static Asys asys;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() throws Exception {
        asys = Asys.open();
    }

    @AfterAll
    static void close() {
        if (asys != null) {
            asys.close();
        }
    }

    private FileChannel open(Path p, java.nio.file.OpenOption... options) throws Exception {
        return AsysFileChannel.open(asys, p, options);
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static String string(ByteBuffer b) {
        b.flip();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return new String(a, java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Test
    void openOptionsAsTheJdkChecksThem() throws Exception {
        Path p = dir.resolve("f");
        assertThrows(NoSuchFileException.class, () -> open(p));
        assertThrows(NoSuchFileException.class, () -> open(p, WRITE));
        try (FileChannel ch = open(p, CREATE_NEW, WRITE)) {
            ch.write(ascii("hello"));
        }
        assertThrows(FileAlreadyExistsException.class, () -> open(p, CREATE_NEW, WRITE));
        assertThrows(IllegalArgumentException.class, () -> open(p, READ, APPEND));
        assertThrows(IllegalArgumentException.class, () -> open(p, APPEND, TRUNCATE_EXISTING));
        // Without WRITE, CREATE and TRUNCATE_EXISTING are ignored.
        try (FileChannel ch = open(p, TRUNCATE_EXISTING)) {
            assertEquals(5, ch.size());
        }
        assertThrows(NoSuchFileException.class, () -> open(dir.resolve("g"), CREATE));
        try (FileChannel ch = open(p, WRITE, TRUNCATE_EXISTING)) {
            assertEquals(0, ch.size());
        }
        Path q = dir.resolve("perm");
        try (FileChannel ch = AsysFileChannel.open(asys, q, Set.of(CREATE_NEW, WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            assertTrue(ch.isOpen());
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(q)));
    }

    @Test
    void relativeReadsAndWritesMoveThePosition() throws Exception {
        Path p = dir.resolve("rel");
        try (FileChannel ch = open(p, CREATE, READ, WRITE)) {
            assertEquals(0, ch.position());
            assertEquals(5, ch.write(ascii("hello")));
            assertEquals(5, ch.position());
            assertEquals(6, ch.write(ByteBuffer.allocateDirect(6).put(" world".getBytes()).flip()));
            assertEquals(11, ch.position());
            assertEquals(11, ch.size());
            ByteBuffer b = ByteBuffer.allocate(32);
            assertEquals(-1, ch.read(b), "at end of file");
            assertEquals(0, ch.read(ByteBuffer.allocate(0)), "no room");
            ch.position(6);
            assertEquals(5, ch.read(b));
            assertEquals("world", string(b));
            assertEquals(11, ch.position());
            ch.position(100);
            assertEquals(-1, ch.read(ByteBuffer.allocate(4)));
            assertEquals(1, ch.write(ascii("!")));
            assertEquals(101, ch.size(), "a write past the end extends the file");
        }
    }

    @Test
    void positionalReadsAndWritesLeaveThePosition() throws Exception {
        Path p = dir.resolve("pos");
        try (FileChannel ch = open(p, CREATE, READ, WRITE)) {
            ch.position(3);
            assertEquals(4, ch.write(ascii("abcd"), 10));
            assertEquals(3, ch.position());
            ByteBuffer b = ByteBuffer.allocateDirect(4);
            assertEquals(4, ch.read(b, 10));
            assertEquals("abcd", string(b));
            assertEquals(-1, ch.read(ByteBuffer.allocate(1), 14));
            assertEquals(3, ch.position());
            assertThrows(IllegalArgumentException.class, () -> ch.read(ByteBuffer.allocate(1), -1));
            assertThrows(IllegalArgumentException.class, () -> ch.write(ascii("x"), -1));
            assertThrows(IllegalArgumentException.class, () -> ch.position(-1));
            assertThrows(IllegalArgumentException.class, () -> ch.truncate(-1));
            assertThrows(IllegalArgumentException.class, () -> ch.transferTo(-1, 1, Channels.newChannel(new ByteArrayOutputStream())));
            assertThrows(IllegalArgumentException.class, () -> ch.transferFrom(Channels.newChannel(new ByteArrayInputStream(new byte[1])), -1, 1));
            assertThrows(IllegalArgumentException.class, () -> ch.read(ByteBuffer.allocate(4).asReadOnlyBuffer()),
                    "a read into a read-only buffer");
        }
    }

    @Test
    void largeHeapBuffersGoThroughBounceBuffersWhole() throws Exception {
        Path p = dir.resolve("large");
        byte[] data = TypedApiTestSupport.pattern(1_000_003, 7);
        try (FileChannel ch = open(p, CREATE, READ, WRITE)) {
            ByteBuffer src = ByteBuffer.wrap(data);
            assertEquals(data.length, ch.write(src));
            assertFalse(src.hasRemaining());
            ByteBuffer dst = ByteBuffer.allocate(data.length);
            long at = 0;
            while (dst.hasRemaining()) {
                int n = ch.read(dst, at);
                assertTrue(n > 0);
                at += n;
            }
            assertArrayEquals(data, dst.array());
        }
        assertArrayEquals(data, Files.readAllBytes(p));
    }

    @Test
    void scatteringAndGathering() throws Exception {
        Path p = dir.resolve("sg");
        try (FileChannel ch = open(p, CREATE, READ, WRITE)) {
            ByteBuffer[] srcs = {ascii("zz"), ascii("ab"), ByteBuffer.allocateDirect(3).put("cde".getBytes()).flip(), ascii("zz")};
            assertEquals(5, ch.write(srcs, 1, 2));
            assertEquals(5, ch.position());
            assertEquals(2, srcs[0].remaining());
            ch.position(0);
            ByteBuffer[] dsts = {ByteBuffer.allocate(1), ByteBuffer.allocate(2), ByteBuffer.allocateDirect(10)};
            assertEquals(5, ch.read(dsts));
            assertEquals("a", string(dsts[0]));
            assertEquals("bc", string(dsts[1]));
            assertEquals("de", string(dsts[2]));
            assertEquals(-1, ch.read(new ByteBuffer[] {ByteBuffer.allocate(1)}));
            assertThrows(IndexOutOfBoundsException.class, () -> ch.read(dsts, 2, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> ch.write(srcs, -1, 1));
        }
    }

    @Test
    void readOnlyAndWriteOnlyChannels() throws Exception {
        Path p = dir.resolve("ro");
        Files.write(p, "data".getBytes());
        try (FileChannel ro = open(p, READ)) {
            assertThrows(NonWritableChannelException.class, () -> ro.write(ascii("x")));
            assertThrows(NonWritableChannelException.class, () -> ro.write(ascii("x"), 0));
            assertThrows(NonWritableChannelException.class, () -> ro.write(new ByteBuffer[] {ascii("x")}));
            assertThrows(NonWritableChannelException.class, () -> ro.truncate(0));
            assertThrows(NonWritableChannelException.class, () -> ro.transferFrom(Channels.newChannel(new ByteArrayInputStream(new byte[1])), 0, 1));
            assertThrows(NonWritableChannelException.class, () -> ro.lock());
            assertThrows(NonWritableChannelException.class, () -> ro.tryLock());
        }
        try (FileChannel wo = open(p, WRITE)) {
            assertThrows(NonReadableChannelException.class, () -> wo.read(ByteBuffer.allocate(1)));
            assertThrows(NonReadableChannelException.class, () -> wo.read(ByteBuffer.allocate(1), 0));
            assertThrows(NonReadableChannelException.class, () -> wo.read(new ByteBuffer[] {ByteBuffer.allocate(1)}));
            assertThrows(NonReadableChannelException.class, () -> wo.transferTo(0, 1, Channels.newChannel(new ByteArrayOutputStream())));
            assertThrows(NonReadableChannelException.class, () -> wo.lock(0, 1, true));
        }
    }

    @Test
    void sizeTruncateForce() throws Exception {
        Path p = dir.resolve("trunc");
        try (FileChannel ch = open(p, CREATE, READ, WRITE)) {
            ch.write(ascii("0123456789"));
            assertEquals(10, ch.position());
            ch.truncate(20);
            assertEquals(10, ch.size(), "truncate to a larger size leaves the file alone");
            ch.truncate(4);
            assertEquals(4, ch.size());
            assertEquals(4, ch.position(), "a position past the new size is moved to it");
            ch.position(1);
            ch.truncate(2);
            assertEquals(1, ch.position());
            ch.force(true);
            ch.force(false);
        }
        assertEquals("01", Files.readString(p));
    }

    @Test
    void appendModeWritesAtTheEnd() throws Exception {
        Path p = dir.resolve("append");
        Files.write(p, "abc".getBytes());
        try (FileChannel ch = open(p, APPEND)) {
            assertEquals(3, ch.position());
            ch.write(ascii("de"));
            assertEquals(5, ch.position());
            ch.position(0);
            ch.write(ascii("f"));
        }
        assertEquals("abcdef", Files.readString(p));
    }

    @Test
    void transfers() throws Exception {
        Path p = dir.resolve("xfer");
        byte[] data = TypedApiTestSupport.pattern(300_000, 3);
        try (FileChannel ch = open(p, CREATE, READ, WRITE)) {
            assertEquals(data.length, ch.transferFrom(Channels.newChannel(new ByteArrayInputStream(data)), 0, Long.MAX_VALUE));
            assertEquals(0, ch.position(), "transferFrom leaves the position");
            assertEquals(0, ch.transferFrom(Channels.newChannel(new ByteArrayInputStream(data)), data.length + 1, 10),
                    "past the end: nothing");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(data.length - 100, ch.transferTo(100, Long.MAX_VALUE, Channels.newChannel(out)));
            assertArrayEquals(Arrays.copyOfRange(data, 100, data.length), out.toByteArray());
            assertEquals(0, ch.transferTo(data.length + 5, 10, Channels.newChannel(new ByteArrayOutputStream())));
            Path q = dir.resolve("copy");
            try (FileChannel jdk = FileChannel.open(q, CREATE, WRITE)) {
                assertEquals(data.length, ch.transferTo(0, data.length, jdk));
            }
            assertArrayEquals(data, Files.readAllBytes(q));
        }
    }

    @Test
    void locksAreRealAndOwnedByTheChannel() throws Exception {
        Path p = dir.resolve("lock");
        try (FileChannel ch = open(p, CREATE, READ, WRITE)) {
            FileLock lock = ch.lock();
            assertSame(ch, lock.channel());
            assertTrue(lock.isValid());
            assertFalse(lock.isShared());
            assertThrows(OverlappingFileLockException.class, () -> ch.tryLock());
            try (FileChannel other = FileChannel.open(p, READ, WRITE)) {
                assertThrows(OverlappingFileLockException.class, () -> other.tryLock(), "one JVM-wide lock table");
            }
            lock.release();
            assertFalse(lock.isValid());
            FileLock shared = ch.tryLock(0, 10, true);
            assertNotNull(shared);
            assertTrue(shared.isShared());
            ch.close();
            assertFalse(shared.isValid(), "closing the channel releases its locks");
            assertThrows(ClosedChannelException.class, shared::release);
        }
    }

    @Test
    void mapReadsTheSameFile() throws Exception {
        Path p = dir.resolve("map");
        Files.write(p, "mapped!".getBytes());
        try (FileChannel ch = open(p, READ)) {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, 7);
            byte[] b = new byte[7];
            m.get(b);
            assertEquals("mapped!", new String(b));
        }
    }

    @Test
    void deleteOnCloseRemovesTheFile() throws Exception {
        Path p = dir.resolve("tmp");
        try (FileChannel ch = open(p, CREATE_NEW, READ, WRITE, DELETE_ON_CLOSE)) {
            ch.write(ascii("still readable"));
            ByteBuffer b = ByteBuffer.allocate(5);
            assertEquals(5, ch.read(b, 0));
            assertEquals(14, ch.size());
        }
        assertFalse(Files.exists(p));
    }

    @Test
    void everyMethodOfAClosedChannelThrowsClosedChannelException() throws Exception {
        Path p = dir.resolve("closed");
        Files.write(p, "x".getBytes());
        FileChannel ch = open(p, READ, WRITE);
        ch.close();
        ch.close();
        assertFalse(ch.isOpen());
        ByteBuffer b = ByteBuffer.allocate(1);
        assertThrows(ClosedChannelException.class, () -> ch.read(b));
        assertThrows(ClosedChannelException.class, () -> ch.read(b, 0));
        assertThrows(ClosedChannelException.class, () -> ch.read(new ByteBuffer[] {b}));
        assertThrows(ClosedChannelException.class, () -> ch.write(ascii("x")));
        assertThrows(ClosedChannelException.class, () -> ch.write(ascii("x"), 0));
        assertThrows(ClosedChannelException.class, () -> ch.write(new ByteBuffer[] {ascii("x")}));
        assertThrows(ClosedChannelException.class, ch::position);
        assertThrows(ClosedChannelException.class, () -> ch.position(0));
        assertThrows(ClosedChannelException.class, ch::size);
        assertThrows(ClosedChannelException.class, () -> ch.truncate(0));
        assertThrows(ClosedChannelException.class, () -> ch.force(true));
        assertThrows(ClosedChannelException.class, () -> ch.transferTo(0, 1, Channels.newChannel(new ByteArrayOutputStream())));
        assertThrows(ClosedChannelException.class, () -> ch.transferFrom(Channels.newChannel(new ByteArrayInputStream(new byte[1])), 0, 1));
        assertThrows(ClosedChannelException.class, ch::lock);
        assertThrows(ClosedChannelException.class, ch::tryLock);
        assertThrows(ClosedChannelException.class, () -> ch.map(FileChannel.MapMode.READ_ONLY, 0, 1));
    }

    @Test
    void interruptBeforeAnOperationClosesTheChannel() throws Exception {
        Path p = dir.resolve("intr");
        Files.write(p, "data".getBytes());
        FileChannel ch = open(p, READ);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofVirtual().unstarted(() -> {
            Thread.currentThread().interrupt();
            try {
                ch.read(ByteBuffer.allocate(4), 0);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.start();
        t.join();
        assertInstanceOf(ClosedByInterruptException.class, thrown.get());
        assertFalse(ch.isOpen());
    }

    @Test
    void interruptingAParkedReadCancelsItAndClosesTheChannel() throws Exception {
        Path fifo = TypedApiTestSupport.mkfifo(dir.resolve("fifo"));
        // O_RDWR on a FIFO opens at once; a read of the empty FIFO then waits for data forever.
        FileChannel ch = open(fifo, READ, WRITE);
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        CompletableFuture<Boolean> stillInterrupted = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                ch.read(ByteBuffer.allocateDirect(16));
                thrown.complete(null);
            } catch (Throwable e) {
                thrown.complete(e);
            }
            stillInterrupted.complete(Thread.currentThread().isInterrupted());
        });
        Thread.sleep(200);
        assertFalse(thrown.isDone(), "the read waits");
        t.interrupt();
        assertInstanceOf(ClosedByInterruptException.class, thrown.get(10, TimeUnit.SECONDS));
        assertTrue(stillInterrupted.get(10, TimeUnit.SECONDS), "the interrupt status is kept");
        assertFalse(ch.isOpen());
    }

    @Test
    void closeFromAnotherThreadWakesABlockedReadWithAsynchronousCloseException() throws Exception {
        Path fifo = TypedApiTestSupport.mkfifo(dir.resolve("fifo2"));
        FileChannel ch = open(fifo, READ, WRITE);
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                ch.read(ByteBuffer.allocate(16));
                thrown.complete(null);
            } catch (Throwable e) {
                thrown.complete(e);
            }
        });
        Thread.sleep(200);
        assertFalse(thrown.isDone());
        ch.close();
        assertInstanceOf(AsynchronousCloseException.class, thrown.get(10, TimeUnit.SECONDS));
    }

    @Test
    void nullBuffersAreRefused() throws Exception {
        Path p = dir.resolve("npe");
        try (FileChannel ch = open(p, CREATE, READ, WRITE)) {
            assertThrows(NullPointerException.class, () -> ch.read((ByteBuffer) null));
            assertThrows(NullPointerException.class, () -> ch.write((ByteBuffer) null, 0));
        }
    }
}
