package io.asys.nio;

import io.asys.Asys;
import io.asys.Blocking;
import io.asys.Errno;
import io.asys.Errors;
import io.asys.FileHandle;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * An {@link AsynchronousFileChannel} whose reads, writes, force and truncate are asys operations
 * in flight in the kernel (io_uring) or on asys's bounded worker pool: no thread per operation.
 * {@link CompletionHandler}s run on the executor given at open, else each on a new virtual
 * thread (never on the engine's thread); futures complete on the engine's thread. {@link
 * #forceAsync} and {@link #truncateAsync} are the asynchronous forms of force and truncate the
 * JDK lacks. Closing completes operations in flight with {@link AsynchronousCloseException}.
 * Locks are delegated as in {@link AsysFileChannel}. Thread-safe.
 */
public final class AsysAsynchronousFileChannel extends AsynchronousFileChannel {
    private static final Executor VIRTUAL_THREADS = task -> Thread.ofVirtual().name("asys-file-handler").start(task);

    private final Asys asys;
    private final FileHandle file;
    private final OpenSpec spec;
    private final Executor handlers;
    private volatile boolean closed;
    private final Object jdkLock = new Object();
    private FileChannel jdk;

    private AsysAsynchronousFileChannel(Asys asys, FileHandle file, OpenSpec spec, Executor handlers) {
        this.asys = asys;
        this.file = file;
        this.spec = spec;
        this.handlers = handlers == null ? VIRTUAL_THREADS : handlers;
    }

    /**
     * Opens {@code path} as {@link AsynchronousFileChannel#open(Path, Set, ExecutorService, FileAttribute[])}
     * does, on {@code asys}; {@code executor} (may be null) runs the completion handlers.
     */
    public static AsysAsynchronousFileChannel open(Asys asys, Path path, Set<? extends OpenOption> options,
            ExecutorService executor, FileAttribute<?>... attrs) throws IOException {
        OpenSpec spec = OpenSpec.of(options, attrs);
        if (spec.append()) {
            throw new UnsupportedOperationException("APPEND not allowed");
        }
        Blocking io = Blocking.of(asys);
        FileHandle file = io.open(path, spec.flags(), spec.mode());
        if (spec.deleteOnClose()) {
            try {
                io.unlink(path);
            } catch (IOException ignored) {
                // best effort, as the JDK's
            }
        }
        return new AsysAsynchronousFileChannel(asys, file, spec, executor);
    }

    public static AsysAsynchronousFileChannel open(Asys asys, Path path, OpenOption... options) throws IOException {
        return open(asys, path, Set.of(options), null);
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (closed) {
            throw new ClosedChannelException();
        }
    }

    /** The failure a completion reports: a close while it was in flight is AsynchronousCloseException. */
    private Throwable failure(Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        int errno = Errors.errnoOf(cause);
        if (closed && (errno == Errno.ECANCELED || errno == Errno.EBADF)) {
            return new AsynchronousCloseException();
        }
        return cause;
    }

    private <V> CompletableFuture<V> closedFuture() {
        return CompletableFuture.failedFuture(new ClosedChannelException());
    }

    // ---- read and write

    /** The read as a future; completes with the bytes read, -1 at end of file. */
    private CompletableFuture<Integer> readAsync(ByteBuffer dst, long position) {
        Objects.requireNonNull(dst);
        if (position < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        if (!spec.readable()) {
            throw new NonReadableChannelException();
        }
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("Read-only buffer");
        }
        if (closed) {
            return closedFuture();
        }
        int len = dst.remaining();
        if (len == 0) {
            return CompletableFuture.completedFuture(0);
        }
        MemorySegment bounce = dst.isDirect() ? null : BufferPool.take(len);
        MemorySegment target = bounce == null ? MemorySegment.ofBuffer(dst) : bounce.asSlice(0, Math.min(len, bounce.byteSize()));
        CompletableFuture<Integer> result = new CompletableFuture<>();
        // The engine's future is never handed out, so only its one real completion runs this.
        asys.read(file, target, position).whenComplete((n, t) -> {
            if (t == null && n > 0) {
                if (bounce != null) {
                    MemorySegment.copy(bounce, 0, MemorySegment.ofBuffer(dst), 0, n);
                }
                dst.position(dst.position() + n);
            }
            if (bounce != null) {
                BufferPool.give(bounce);
            }
            if (t != null) {
                result.completeExceptionally(failure(t));
            } else {
                result.complete(n == 0 ? -1 : n);
            }
        });
        return result;
    }

    private CompletableFuture<Integer> writeAsync(ByteBuffer src, long position) {
        Objects.requireNonNull(src);
        if (position < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        if (!spec.writable()) {
            throw new NonWritableChannelException();
        }
        if (closed) {
            return closedFuture();
        }
        int len = src.remaining();
        if (len == 0) {
            return CompletableFuture.completedFuture(0);
        }
        MemorySegment bounce = src.isDirect() ? null : BufferPool.take(len);
        MemorySegment source;
        if (bounce == null) {
            source = MemorySegment.ofBuffer(src);
        } else {
            int chunk = (int) Math.min(len, bounce.byteSize());
            MemorySegment.copy(MemorySegment.ofBuffer(src), 0, bounce, 0, chunk);
            source = bounce.asSlice(0, chunk);
        }
        CompletableFuture<Integer> result = new CompletableFuture<>();
        asys.write(file, source, position).whenComplete((n, t) -> {
            if (t == null) {
                src.position(src.position() + n);
            }
            if (bounce != null) {
                BufferPool.give(bounce);
            }
            if (t != null) {
                result.completeExceptionally(failure(t));
            } else {
                result.complete(n);
            }
        });
        return result;
    }

    private <V, A> void deliver(CompletableFuture<V> future, A attachment, CompletionHandler<V, ? super A> handler) {
        Objects.requireNonNull(handler, "handler");
        future.whenComplete((v, t) -> handlers.execute(() -> {
            if (t == null) {
                handler.completed(v, attachment);
            } else {
                handler.failed(t instanceof CompletionException && t.getCause() != null ? t.getCause() : t, attachment);
            }
        }));
    }

    @Override
    public <A> void read(ByteBuffer dst, long position, A attachment, CompletionHandler<Integer, ? super A> handler) {
        Objects.requireNonNull(handler, "handler");
        deliver(readAsync(dst, position), attachment, handler);
    }

    @Override
    public Future<Integer> read(ByteBuffer dst, long position) {
        return readAsync(dst, position);
    }

    @Override
    public <A> void write(ByteBuffer src, long position, A attachment, CompletionHandler<Integer, ? super A> handler) {
        Objects.requireNonNull(handler, "handler");
        deliver(writeAsync(src, position), attachment, handler);
    }

    @Override
    public Future<Integer> write(ByteBuffer src, long position) {
        return writeAsync(src, position);
    }

    // ---- size, force, truncate

    @Override
    public long size() throws IOException {
        ensureOpen();
        return Blocking.of(asys).statx(PlatformFiles.procFd(file.fd())).size();
    }

    /** fsync (or fdatasync without {@code metaData}) in flight while the caller goes on. */
    public CompletableFuture<Void> forceAsync(boolean metaData) {
        if (closed) {
            return closedFuture();
        }
        CompletableFuture<Integer> op = metaData ? asys.fsync(file) : asys.fdatasync(file);
        return op.handle((r, t) -> {
            if (t != null) {
                throw new CompletionException(failure(t));
            }
            return null;
        });
    }

    /** {@link #truncate} in flight: shrinks the file to {@code size} if it is larger; never grows it. */
    public CompletableFuture<AsysAsynchronousFileChannel> truncateAsync(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("Negative size");
        }
        if (!spec.writable()) {
            throw new NonWritableChannelException();
        }
        if (closed) {
            return closedFuture();
        }
        return asys.statx(PlatformFiles.procFd(file.fd()))
                .thenCompose(st -> st.size() > size ? asys.ftruncate(file, size) : CompletableFuture.completedFuture(0))
                .handle((r, t) -> {
                    if (t != null) {
                        throw new CompletionException(failure(t));
                    }
                    return this;
                });
    }

    @Override
    public void force(boolean metaData) throws IOException {
        ensureOpen();
        Blocking.of(asys).await(forceAsync(metaData));
    }

    @Override
    public AsynchronousFileChannel truncate(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("Negative size");
        }
        ensureOpen();
        return Blocking.of(asys).await(truncateAsync(size));
    }

    // ---- locks, delegated

    private FileChannel jdk() throws IOException {
        synchronized (jdkLock) {
            ensureOpen();
            if (jdk == null) {
                jdk = PlatformFiles.reopen(file.fd(), spec.readable(), spec.writable());
            }
            return jdk;
        }
    }

    private void checkLock(long position, long size, boolean shared) {
        if (position < 0 || size < 0) {
            throw new IllegalArgumentException("Negative position or size");
        }
        if (shared && !spec.readable()) {
            throw new NonReadableChannelException();
        }
        if (!shared && !spec.writable()) {
            throw new NonWritableChannelException();
        }
    }

    /** Waits for the lock on a virtual thread (fcntl F_SETLKW blocks in the kernel; the JDK compensates). */
    private CompletableFuture<FileLock> lockAsync(long position, long size, boolean shared) {
        checkLock(position, size, shared);
        if (closed) {
            return closedFuture();
        }
        CompletableFuture<FileLock> result = new CompletableFuture<>();
        Thread.ofVirtual().name("asys-file-lock").start(() -> {
            try {
                result.complete(new DelegatedFileLock(this, jdk().lock(position, size, shared)));
            } catch (Throwable t) {
                result.completeExceptionally(closed ? new AsynchronousCloseException() : t);
            }
        });
        return result;
    }

    @Override
    public <A> void lock(long position, long size, boolean shared, A attachment,
            CompletionHandler<FileLock, ? super A> handler) {
        Objects.requireNonNull(handler, "handler");
        deliver(lockAsync(position, size, shared), attachment, handler);
    }

    @Override
    public Future<FileLock> lock(long position, long size, boolean shared) {
        return lockAsync(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        checkLock(position, size, shared);
        ensureOpen();
        FileLock lock = jdk().tryLock(position, size, shared);
        return lock == null ? null : new DelegatedFileLock(this, lock);
    }

    /** Releases the locks, cancels what is in flight (it fails with AsynchronousCloseException) and closes the file. */
    @Override
    public void close() throws IOException {
        FileChannel j;
        synchronized (jdkLock) {
            if (closed) {
                return;
            }
            closed = true;
            j = jdk;
        }
        if (j != null) {
            j.close();
        }
        asys.closeNow(file);
    }

    @Override
    public String toString() {
        return "AsysAsynchronousFileChannel[" + file.path() + "]";
    }
}
