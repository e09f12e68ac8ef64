package io.asys;

import io.asys.uring.IoVecs;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Synchronous system calls executed asynchronously (the fibril idea on virtual threads): each
 * method submits its operation to an {@link Asys} and waits for the completion. A virtual
 * thread parks while the operation is in flight, so it holds neither its carrier nor any OS
 * thread; a platform thread parks too. Reads whose data is in the page cache complete on the
 * calling thread without a park ({@code preadv2(RWF_NOWAIT)}).
 *
 * <p>Failures are the JDK's {@link IOException} subclasses chosen by {@link Errors}, carrying the
 * errno. If the waiting thread is interrupted, the operation is cancelled, the call still waits
 * for its one completion (so buffers are never reused while the kernel may write them), the
 * interrupt status is kept, and {@link InterruptedIOException} is thrown. Thread-safe; obtain
 * one with {@link #of(Asys)}; it owns nothing and needs no close.
 */
public final class Blocking {
    /** Property turning the calling-thread page-cache read on io_uring off ({@code false}). */
    public static final String NOWAIT_PROP_NAME = "asys.blocking.nowait";
    public static final boolean NOWAIT_DEFAULT = true;

    private final Asys asys;
    /** Whether reads try preadv2(RWF_NOWAIT) here first (io_uring; the worker engine does it itself). */
    private final boolean tryNoWait;
    /** The cap on O_DIRECT reads and writes in flight ({@link DirectAdmission}), or null. */
    private final DirectAdmission direct = DirectAdmission.fromProperty();

    private Blocking(Asys asys) {
        this.asys = asys;
        this.tryNoWait = asys.engine().equals("uring")
                && Boolean.parseBoolean(System.getProperty(NOWAIT_PROP_NAME, Boolean.toString(NOWAIT_DEFAULT)));
    }

    /** The blocking facade over {@code asys}. */
    public static Blocking of(Asys asys) {
        return new Blocking(asys);
    }

    /** The asys this facade submits to. */
    public Asys asys() {
        return asys;
    }

    /** Submits {@code op} and waits for its typed result. */
    public <T> T submit(Op<T> op) throws IOException {
        return await(asys.submit(op));
    }

    /** A result with the attributes its operation returned (seed 001's "syscall with attributes"). */
    public record Attributed<T>(T value, CompletionAttributes attributes) {
    }

    /**
     * Runs {@code op} and waits, asking for {@code attributes}: the result with them. A failure is
     * thrown as by {@link #submit(Op)}; its attributes are lost with it (use the future form to keep them).
     */
    public <T> Attributed<T> submit(Op<T> op, java.util.Set<Attribute> attributes) throws IOException {
        AsysFuture<T> future = asys.submit(op, attributes);
        T value = await(future);
        return new Attributed<>(value, future.attributes());
    }

    /**
     * Waits for an asys future: its result, or its failure as thrown by a plain system call.
     * On interrupt, cancels it (for {@link AsysFuture}s), waits for its completion, and throws
     * {@link InterruptedIOException} with the interrupt status set.
     */
    public <T> T await(CompletableFuture<T> future) throws IOException {
        if (!future.isDone()) {
            boolean interrupted = false;
            while (true) {
                try {
                    future.get();
                    break;
                } catch (InterruptedException e) {
                    if (!interrupted) {
                        interrupted = true;
                        if (future instanceof DirectAdmission.Waiting w) {
                            w.withdraw(asys);
                        } else {
                            asys.cancel(future);
                        }
                    }
                } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                    break;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
                InterruptedIOException e = new InterruptedIOException("interrupted; the operation was cancelled");
                if (!future.isCompletedExceptionally() && future.getNow(null) instanceof Integer n) {
                    e.bytesTransferred = n;
                }
                throw e;
            }
        }
        try {
            return future.join();
        } catch (CompletionException e) {
            throw rethrow(e.getCause());
        }
    }

    private static IOException rethrow(Throwable cause) {
        if (cause instanceof IOException io) {
            return io;
        }
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new IOException(cause);
    }

    public FileHandle open(Path path, int flags, int mode) throws IOException {
        return await(asys.open(path, flags, mode));
    }

    /** pread: bytes read into {@code buffer} from {@code offset}; 0 at end of file. */
    public int read(FileHandle file, MemorySegment buffer, long offset) throws IOException {
        // A read-only or closed buffer goes to the engine, which refuses it before any system call.
        if (tryNoWait && !file.isDirectIo() && offset >= 0 && buffer.isNative() && !buffer.isReadOnly()
                && buffer.scope().isAlive() && file.acquire()) {
            int res;
            try {
                res = NoWaitRead.get().read(file.fd(), buffer, offset);
            } finally {
                file.release();
            }
            if (res >= 0) {
                return res;
            }
            // EAGAIN (not cached) or a file that cannot say (EOPNOTSUPP, ESPIPE): the engine does the
            // real call, without a second attempt.
            return await(asys.readAfterNoWait(file, buffer, offset));
        }
        if (direct != null && file.isDirectIo()) {
            return await(direct.submit(() -> asys.read(file, buffer, offset)));
        }
        return await(asys.read(file, buffer, offset));
    }

    /** pwrite: bytes written from {@code buffer} at {@code offset}. */
    public int write(FileHandle file, MemorySegment buffer, long offset) throws IOException {
        if (direct != null && file.isDirectIo()) {
            return await(direct.submit(() -> asys.write(file, buffer, offset)));
        }
        return await(asys.write(file, buffer, offset));
    }

    public int readv(FileHandle file, IoVecs buffers, long offset) throws IOException {
        return await(asys.readv(file, buffers, offset));
    }

    public int writev(FileHandle file, IoVecs buffers, long offset) throws IOException {
        return await(asys.writev(file, buffers, offset));
    }

    public void fsync(FileHandle file) throws IOException {
        await(asys.fsync(file));
    }

    public void fdatasync(FileHandle file) throws IOException {
        await(asys.fdatasync(file));
    }

    public void ftruncate(FileHandle file, long length) throws IOException {
        await(asys.ftruncate(file, length));
    }

    public void fallocate(FileHandle file, int mode, long offset, long length) throws IOException {
        await(asys.fallocate(file, mode, offset, length));
    }

    public Statx statx(Path path) throws IOException {
        return await(asys.statx(path));
    }

    public Statx lstatx(Path path) throws IOException {
        return await(asys.lstatx(path));
    }

    public void rename(Path from, Path to, int flags) throws IOException {
        await(asys.rename(from, to, flags));
    }

    public void unlink(Path path) throws IOException {
        await(asys.unlink(path));
    }

    public void rmdir(Path path) throws IOException {
        await(asys.rmdir(path));
    }

    public void mkdir(Path path, int mode) throws IOException {
        await(asys.mkdir(path, mode));
    }

    public void symlink(Path target, Path link) throws IOException {
        await(asys.symlink(target, link));
    }

    public void link(Path existing, Path link) throws IOException {
        await(asys.link(existing, link));
    }

    /** Closes the handle once every operation in flight on it has completed, and waits for the close. */
    public void close(FileHandle file) throws IOException {
        await(asys.close(file));
    }

    public FileHandle tcpSocket(InetSocketAddress like) throws IOException {
        return await(asys.tcpSocket(like));
    }

    public void connect(FileHandle socket, InetSocketAddress address) throws IOException {
        await(asys.connect(socket, address));
    }

    public void bind(FileHandle socket, InetSocketAddress address) throws IOException {
        await(asys.bind(socket, address));
    }

    public void listen(FileHandle socket, int backlog) throws IOException {
        await(asys.listen(socket, backlog));
    }

    public FileHandle accept(FileHandle socket) throws IOException {
        return await(asys.accept(socket));
    }

    public int send(FileHandle socket, MemorySegment buffer) throws IOException {
        return await(asys.send(socket, buffer));
    }

    public int recv(FileHandle socket, MemorySegment buffer) throws IOException {
        return await(asys.recv(socket, buffer));
    }

    public void shutdown(FileHandle socket, int how) throws IOException {
        await(asys.shutdown(socket, how));
    }

    /** Sleeps without holding any thread (an io_uring timeout, or the worker engine's timer). */
    public void sleep(Duration duration) throws IOException {
        await(asys.sleep(duration));
    }

    /** A whitelisted raw system call; its non-negative result. Runs on asys's raw-call threads. */
    public long syscall(RawCall call) throws IOException {
        return await(asys.syscall(call));
    }
}
