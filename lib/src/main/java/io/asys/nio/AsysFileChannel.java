package io.asys.nio;

import io.asys.Asys;
import io.asys.Blocking;
import io.asys.FileHandle;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link FileChannel} whose reads, writes, force, truncate and size run on asys: a virtual
 * thread blocked in one is parked, holding no OS thread. The JDK contract holds: relative
 * operations share one position, positional ones run concurrently, closed channels throw
 * {@link ClosedChannelException}, interrupting a blocked thread closes the channel and throws
 * {@link java.nio.channels.ClosedByInterruptException}. Heap buffers go through pooled native
 * bounce buffers. Locks and {@code map} are delegated to a JDK {@code FileChannel} reopened on the
 * same open file through {@code /proc/self/fd} (POSIX {@code fcntl} locks, shared with the JDK's
 * own lock table, so overlapping locks in one JVM are refused). Thread-safe.
 */
public final class AsysFileChannel extends FileChannel {
    private final Blocking io;
    private final FileHandle file;
    private final OpenSpec spec;
    private final Object positionLock = new Object();
    private long position;
    private final Object jdkLock = new Object();
    private FileChannel jdk;

    private AsysFileChannel(Blocking io, FileHandle file, OpenSpec spec) {
        this.io = io;
        this.file = file;
        this.spec = spec;
    }

    /** Opens {@code path} as {@link FileChannel#open(Path, Set, FileAttribute[])} does, on {@code asys}. */
    public static AsysFileChannel open(Asys asys, Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        OpenSpec spec = OpenSpec.of(options, attrs);
        Blocking io = Blocking.of(asys);
        FileHandle file = io.open(path, spec.flags(), spec.mode());
        if (spec.deleteOnClose()) {
            // As the JDK does on Unix: the name goes now, the file when its last descriptor closes.
            try {
                io.unlink(path);
            } catch (IOException ignored) {
                // best effort, as the JDK's
            }
        }
        return new AsysFileChannel(io, file, spec);
    }

    public static AsysFileChannel open(Asys asys, Path path, OpenOption... options) throws IOException {
        return open(asys, path, Set.of(options));
    }

    /** The asys file handle under this channel (valid while the channel is open). */
    public FileHandle handle() {
        return file;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    private void ensureReadable() throws ClosedChannelException {
        ensureOpen();
        if (!spec.readable()) {
            throw new NonReadableChannelException();
        }
    }

    private void ensureWritable() throws ClosedChannelException {
        ensureOpen();
        if (!spec.writable()) {
            throw new NonWritableChannelException();
        }
    }

    private static void checkReadInto(ByteBuffer dst) {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("Read-only buffer");
        }
    }

    /** An I/O step run between begin() and end(), so interrupts and asynchronous closes act as the JDK's. */
    private interface Step<T> {
        T run() throws IOException;
    }

    private <T> T interruptibly(Step<T> step) throws IOException {
        boolean completed = false;
        try {
            begin();
            ensureOpen();
            T result = step.run();
            completed = true;
            return result;
        } catch (InterruptedIOException e) {
            // end() below throws ClosedByInterruptException: the interrupt closed this channel.
            throw e;
        } finally {
            end(completed);
        }
    }

    // ---- reads
    // The single-buffer reads and writes spell out begin()/end() and test the buffer kind
    // themselves instead of going through interruptibly(Step) and ChannelBuffers.read: a shared
    // lambda call site and a shared isDirect() branch collect the type and branch profiles of every
    // caller, so a program whose hot loop reads into direct buffers, and that reads one small file
    // into a heap buffer on the side (Files.readString), had its compiled hot path thrown away and
    // recompiled (measured: the JIT's tier-4 code for the O_DIRECT bench loop arrived about a second
    // later than the facade's). Each entry point now has its own profile.

    @Override
    public int read(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst);
        ensureReadable();
        checkReadInto(dst);
        synchronized (positionLock) {
            boolean completed = false;
            try {
                begin();
                ensureOpen();
                int n = dst.isDirect() ? ChannelBuffers.readDirect(io, file, dst, position)
                        : ChannelBuffers.readHeap(io, file, dst, position);
                if (n > 0) {
                    position += n;
                }
                completed = true;
                return n;
            } finally {
                // Throws ClosedByInterruptException (over an InterruptedIOException) if an interrupt closed this channel.
                end(completed);
            }
        }
    }

    @Override
    public int read(ByteBuffer dst, long at) throws IOException {
        Objects.requireNonNull(dst);
        if (at < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        ensureReadable();
        checkReadInto(dst);
        boolean completed = false;
        try {
            begin();
            ensureOpen();
            int n = dst.isDirect() ? ChannelBuffers.readDirect(io, file, dst, at)
                    : ChannelBuffers.readHeap(io, file, dst, at);
            completed = true;
            return n;
        } finally {
            end(completed);
        }
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        ensureReadable();
        for (int i = offset; i < offset + length; i++) {
            checkReadInto(Objects.requireNonNull(dsts[i]));
        }
        synchronized (positionLock) {
            return interruptibly(() -> {
                long n = ChannelBuffers.scatter(io, file, dsts, offset, length, position);
                if (n > 0) {
                    position += n;
                }
                return n;
            });
        }
    }

    // ---- writes

    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src);
        ensureWritable();
        synchronized (positionLock) {
            boolean completed = false;
            try {
                begin();
                ensureOpen();
                // O_APPEND: the kernel writes at the end whatever offset it is given.
                long at = spec.append() ? 0 : position;
                int n = src.isDirect() ? ChannelBuffers.writeDirect(io, file, src, at)
                        : ChannelBuffers.writeHeap(io, file, src, at);
                if (!spec.append()) {
                    position += n;
                }
                completed = true;
                return n;
            } finally {
                end(completed);
            }
        }
    }

    @Override
    public int write(ByteBuffer src, long at) throws IOException {
        Objects.requireNonNull(src);
        if (at < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        ensureWritable();
        boolean completed = false;
        try {
            begin();
            ensureOpen();
            int n = src.isDirect() ? ChannelBuffers.writeDirect(io, file, src, at)
                    : ChannelBuffers.writeHeap(io, file, src, at);
            completed = true;
            return n;
        } finally {
            end(completed);
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        for (int i = offset; i < offset + length; i++) {
            Objects.requireNonNull(srcs[i]);
        }
        ensureWritable();
        synchronized (positionLock) {
            return interruptibly(() -> {
                long total = 0;
                for (int i = offset; i < offset + length; i++) {
                    int n = ChannelBuffers.write(io, file, srcs[i], spec.append() ? 0 : position + total);
                    total += n;
                }
                if (!spec.append()) {
                    position += total;
                }
                return total;
            });
        }
    }

    // ---- position, size, truncate, force

    @Override
    public long position() throws IOException {
        ensureOpen();
        if (spec.append()) {
            return size();
        }
        synchronized (positionLock) {
            return position;
        }
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        if (newPosition < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        ensureOpen();
        synchronized (positionLock) {
            position = newPosition;
        }
        return this;
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        return interruptibly(() -> io.statx(PlatformFiles.procFd(file.fd())).size());
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("Negative size");
        }
        ensureWritable();
        synchronized (positionLock) {
            interruptibly(() -> {
                if (size < io.statx(PlatformFiles.procFd(file.fd())).size()) {
                    io.ftruncate(file, size);
                }
                return null;
            });
            if (position > size) {
                position = size;
            }
        }
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        ensureOpen();
        interruptibly(() -> {
            if (metaData) {
                io.fsync(file);
            } else {
                io.fdatasync(file);
            }
            return null;
        });
    }

    // ---- transfers

    @Override
    public long transferTo(long at, long count, WritableByteChannel target) throws IOException {
        ensureOpen();
        if (!target.isOpen()) {
            throw new ClosedChannelException();
        }
        if (!spec.readable()) {
            throw new NonReadableChannelException();
        }
        if (at < 0 || count < 0) {
            throw new IllegalArgumentException("Negative position or count");
        }
        return ChannelBuffers.transferTo(this, at, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long at, long count) throws IOException {
        ensureOpen();
        if (!src.isOpen()) {
            throw new ClosedChannelException();
        }
        if (!spec.writable()) {
            throw new NonWritableChannelException();
        }
        if (at < 0 || count < 0) {
            throw new IllegalArgumentException("Negative position or count");
        }
        if (at > size()) {
            return 0;
        }
        return ChannelBuffers.transferFrom(this, src, at, count);
    }

    // ---- delegated to a JDK channel on the same open file

    private FileChannel jdk() throws IOException {
        synchronized (jdkLock) {
            ensureOpen();
            if (jdk == null) {
                jdk = PlatformFiles.reopen(file.fd(), spec.readable(), spec.writable());
            }
            return jdk;
        }
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long at, long size) throws IOException {
        ensureOpen();
        return jdk().map(mode, at, size);
    }

    @Override
    public MemorySegment map(MapMode mode, long offset, long size, Arena arena) throws IOException {
        ensureOpen();
        return jdk().map(mode, offset, size, arena);
    }

    @Override
    public FileLock lock(long at, long size, boolean shared) throws IOException {
        ensureOpen();
        if (shared && !spec.readable()) {
            throw new NonReadableChannelException();
        }
        if (!shared && !spec.writable()) {
            throw new NonWritableChannelException();
        }
        return new DelegatedFileLock(this, jdk().lock(at, size, shared));
    }

    @Override
    public FileLock tryLock(long at, long size, boolean shared) throws IOException {
        ensureOpen();
        if (shared && !spec.readable()) {
            throw new NonReadableChannelException();
        }
        if (!shared && !spec.writable()) {
            throw new NonWritableChannelException();
        }
        FileLock lock = jdk().tryLock(at, size, shared);
        return lock == null ? null : new DelegatedFileLock(this, lock);
    }

    /**
     * Cancels what is in flight (blocked threads then throw AsynchronousCloseException), releases
     * the locks, and closes the descriptor once the last operation on it has completed.
     */
    @Override
    protected void implCloseChannel() throws IOException {
        FileChannel j;
        synchronized (jdkLock) {
            j = jdk;
        }
        if (j != null) {
            j.close();
        }
        io.asys().closeNow(file);
    }

    @Override
    public String toString() {
        return "AsysFileChannel[" + file.path() + "]";
    }
}
