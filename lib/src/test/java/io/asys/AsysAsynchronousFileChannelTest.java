package io.asys;

import io.asys.nio.AsysAsynchronousFileChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link AsysAsynchronousFileChannel} against the contract of {@link AsynchronousFileChannel}. */
@Timeout(60)
class AsysAsynchronousFileChannelTest {
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

    private AsynchronousFileChannel open(Path p, java.nio.file.OpenOption... options) throws Exception {
        return AsysAsynchronousFileChannel.open(asys, p, options);
    }

    private static <V> V get(Future<V> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    private static Throwable failure(Future<?> f) {
        return assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS)).getCause();
    }

    /** A handler that completes a future with its outcome and the thread it ran on. */
    private static final class Outcome<V> implements CompletionHandler<V, String> {
        final CompletableFuture<V> value = new CompletableFuture<>();
        volatile Thread thread;
        volatile String attachment;

        @Override
        public void completed(V result, String attachment) {
            this.thread = Thread.currentThread();
            this.attachment = attachment;
            value.complete(result);
        }

        @Override
        public void failed(Throwable exc, String attachment) {
            this.thread = Thread.currentThread();
            this.attachment = attachment;
            value.completeExceptionally(exc);
        }
    }

    @Test
    void futureReadsAndWrites() throws Exception {
        Path p = dir.resolve("f");
        byte[] data = TypedApiTestSupport.pattern(300_000, 9);
        try (AsynchronousFileChannel ch = open(p, CREATE, READ, WRITE)) {
            ByteBuffer heap = ByteBuffer.wrap(data);
            long at = 0;
            while (heap.hasRemaining()) {
                at += get(ch.write(heap, at));
            }
            assertEquals(data.length, ch.size());
            ByteBuffer direct = ByteBuffer.allocateDirect(data.length);
            at = 0;
            while (direct.hasRemaining()) {
                int n = get(ch.read(direct, at));
                assertTrue(n > 0);
                at += n;
            }
            byte[] back = new byte[data.length];
            direct.flip().get(back);
            assertArrayEquals(data, back);
            assertEquals(-1, get(ch.read(ByteBuffer.allocate(10), data.length)), "at end of file");
            assertEquals(0, get(ch.read(ByteBuffer.allocate(0), 0)), "no room");
        }
    }

    @Test
    void completionHandlersRunOnTheGivenExecutorWithTheAttachment() throws Exception {
        Path p = dir.resolve("h");
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "handler-pool"));
        try (AsynchronousFileChannel ch = AsysAsynchronousFileChannel.open(asys, p, Set.of(CREATE, READ, WRITE), pool)) {
            Outcome<Integer> w = new Outcome<>();
            ch.write(ByteBuffer.wrap("handled".getBytes()), 0, "att", w);
            assertEquals(7, w.value.get(10, TimeUnit.SECONDS));
            assertEquals("att", w.attachment);
            assertEquals("handler-pool", w.thread.getName());
            Outcome<Integer> r = new Outcome<>();
            ByteBuffer b = ByteBuffer.allocate(7);
            ch.read(b, 0, "att2", r);
            assertEquals(7, r.value.get(10, TimeUnit.SECONDS));
            assertEquals("handled", new String(b.array()));
        } finally {
            pool.shutdown();
        }
        try (AsynchronousFileChannel ch = open(p, READ)) {
            Outcome<Integer> r = new Outcome<>();
            ch.read(ByteBuffer.allocate(3), 0, null, r);
            assertEquals(3, r.value.get(10, TimeUnit.SECONDS));
            assertTrue(r.thread.isVirtual(), "without an executor, handlers run on virtual threads");
        }
    }

    @Test
    void argumentChecksAndModes() throws Exception {
        Path p = dir.resolve("modes");
        Files.write(p, "abc".getBytes());
        assertThrows(NoSuchFileException.class, () -> open(dir.resolve("missing"), READ));
        assertThrows(UnsupportedOperationException.class, () -> open(p, WRITE, APPEND));
        try (AsynchronousFileChannel ro = open(p, READ)) {
            assertThrows(IllegalArgumentException.class, () -> ro.read(ByteBuffer.allocate(1), -1));
            assertThrows(IllegalArgumentException.class, () -> ro.read(ByteBuffer.allocate(1).asReadOnlyBuffer(), 0));
            assertThrows(NonWritableChannelException.class, () -> ro.write(ByteBuffer.allocate(1), 0));
            assertThrows(NonWritableChannelException.class, () -> ro.truncate(0));
            assertThrows(NonWritableChannelException.class, () -> ro.lock());
            assertThrows(NonWritableChannelException.class, () -> ro.tryLock());
            assertThrows(NullPointerException.class, () -> ro.read(ByteBuffer.allocate(1), 0, null, null));
        }
        try (AsynchronousFileChannel wo = open(p, WRITE)) {
            assertThrows(IllegalArgumentException.class, () -> wo.write(ByteBuffer.allocate(1), -1));
            assertThrows(NonReadableChannelException.class, () -> wo.read(ByteBuffer.allocate(1), 0));
            assertThrows(NonReadableChannelException.class, () -> wo.lock(0, 1, true));
            assertThrows(IllegalArgumentException.class, () -> wo.truncate(-1));
        }
    }

    @Test
    void sizeForceTruncateAlsoAsynchronously() throws Exception {
        Path p = dir.resolve("t");
        try (AsysAsynchronousFileChannel ch = AsysAsynchronousFileChannel.open(asys, p, CREATE, READ, WRITE)) {
            get(ch.write(ByteBuffer.wrap("0123456789".getBytes()), 0));
            ch.force(true);
            assertNull(ch.forceAsync(false).get(10, TimeUnit.SECONDS));
            assertSame(ch, ch.truncate(20));
            assertEquals(10, ch.size(), "never grows");
            assertSame(ch, ch.truncateAsync(4).get(10, TimeUnit.SECONDS));
            assertEquals(4, ch.size());
            ch.truncate(2);
            assertEquals(2, ch.size());
        }
        assertEquals("01", Files.readString(p));
    }

    @Test
    void locks() throws Exception {
        Path p = dir.resolve("l");
        try (AsynchronousFileChannel ch = open(p, CREATE, READ, WRITE)) {
            FileLock lock = get(ch.lock());
            assertSame(ch, lock.acquiredBy());
            assertTrue(lock.isValid());
            assertThrows(OverlappingFileLockException.class, () -> ch.tryLock());
            lock.release();
            assertFalse(lock.isValid());
            Outcome<FileLock> o = new Outcome<>();
            ch.lock(0, 5, true, "x", o);
            FileLock shared = o.value.get(10, TimeUnit.SECONDS);
            assertTrue(shared.isShared());
            ch.close();
            assertFalse(shared.isValid());
        }
    }

    @Test
    void aClosedChannelFailsEveryOperation() throws Exception {
        Path p = dir.resolve("c");
        Files.write(p, "x".getBytes());
        AsynchronousFileChannel ch = open(p, READ, WRITE);
        ch.close();
        ch.close();
        assertFalse(ch.isOpen());
        assertInstanceOf(ClosedChannelException.class, failure(ch.read(ByteBuffer.allocate(1), 0)));
        assertInstanceOf(ClosedChannelException.class, failure(ch.write(ByteBuffer.allocate(1), 0)));
        assertInstanceOf(ClosedChannelException.class, failure(ch.lock()));
        Outcome<Integer> o = new Outcome<>();
        ch.read(ByteBuffer.allocate(1), 0, "a", o);
        assertInstanceOf(ClosedChannelException.class, assertThrows(ExecutionException.class,
                () -> o.value.get(10, TimeUnit.SECONDS)).getCause());
        assertThrows(ClosedChannelException.class, ch::size);
        assertThrows(ClosedChannelException.class, () -> ch.force(true));
        assertThrows(ClosedChannelException.class, () -> ch.truncate(0));
        assertThrows(ClosedChannelException.class, () -> ch.tryLock());
    }

    @Test
    void closeFailsWhatIsInFlightWithAsynchronousCloseException() throws Exception {
        Path fifo = TypedApiTestSupport.mkfifo(dir.resolve("fifo"));
        // O_RDWR on a FIFO opens at once, and its reads wait for data.
        AsynchronousFileChannel ch = open(fifo, READ, WRITE);
        Future<Integer> pending = ch.read(ByteBuffer.allocateDirect(8), 0);
        Thread.sleep(200);
        assertFalse(pending.isDone());
        ch.close();
        Throwable t = failure(pending);
        assertTrue(t instanceof AsynchronousCloseException || t instanceof ErrnoException e && e.errno() == Errno.ESPIPE,
                () -> "got " + t);
    }

    @Test
    void manyOperationsInFlightAtOnce() throws Exception {
        Path p = dir.resolve("many");
        int blocks = 256;
        byte[] data = TypedApiTestSupport.pattern(blocks * 4096, 4);
        Files.write(p, data);
        try (AsynchronousFileChannel ch = open(p, READ)) {
            List<ByteBuffer> buffers = new ArrayList<>();
            List<Future<Integer>> reads = new ArrayList<>();
            for (int i = 0; i < blocks; i++) {
                ByteBuffer b = i % 2 == 0 ? ByteBuffer.allocate(4096) : ByteBuffer.allocateDirect(4096);
                buffers.add(b);
                reads.add(ch.read(b, (long) i * 4096));
            }
            for (int i = 0; i < blocks; i++) {
                assertEquals(4096, get(reads.get(i)));
                byte[] back = new byte[4096];
                buffers.get(i).flip().get(back);
                assertArrayEquals(java.util.Arrays.copyOfRange(data, i * 4096, i * 4096 + 4096), back);
            }
        }
    }
}
