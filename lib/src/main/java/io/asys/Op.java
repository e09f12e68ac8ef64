package io.asys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A typed, immutable operation descriptor: what to run, with every buffer and native path it
 * needs, kept reachable until its completion. Engines turn it into an SQE (io_uring) or a
 * blocking system call (workers); {@link #result(int)} turns the raw result into the typed one.
 *
 * @param <T> the result type of a successful completion
 */
public sealed interface Op<T> {
    /** {@code AT_FDCWD}: paths relative to the current directory. */
    int AT_FDCWD = -100;
    int AT_REMOVEDIR = 0x200;
    int AT_SYMLINK_NOFOLLOW = 0x100;
    int AT_EMPTY_PATH = 0x1000;
    int RENAME_NOREPLACE = 1;
    int RENAME_EXCHANGE = 2;
    int O_DIRECT = 040000;

    /** The system call's name, for messages. */
    String name();

    /** The path the operation is on, for messages, or {@code null}. */
    default String path() {
        return null;
    }

    /** The file handle the operation uses, or {@code null}. */
    default FileHandle handle() {
        return null;
    }

    /** The typed result of a successful raw result ({@code res >= 0}). */
    T result(int res);

    /**
     * A path as the kernel takes it: UTF-8, NUL-terminated, on the Java heap. Engines copy it into
     * native memory they own for the time the operation is in flight.
     */
    static byte[] cString(Path path) {
        return cString(path.toString());
    }

    /** A string as the kernel takes it: UTF-8, NUL-terminated. */
    static byte[] cString(String text) {
        byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (byte b : utf8) {
            if (b == 0) {
                throw new IllegalArgumentException("contains a NUL byte: " + text);
            }
        }
        return java.util.Arrays.copyOf(utf8, utf8.length + 1);
    }

    /** Operations whose result is a count of bytes or a plain 0. */
    sealed interface CountOp extends Op<Integer> {
        @Override
        default Integer result(int res) {
            return res;
        }
    }

    record Nop() implements CountOp {
        public String name() {
            return "nop";
        }
    }

    record Read(FileHandle handle, MemorySegment buffer, long offset) implements CountOp {
        public String name() {
            return "read";
        }

        public String path() {
            return handle.path();
        }
    }

    record Write(FileHandle handle, MemorySegment buffer, long offset) implements CountOp {
        public String name() {
            return "write";
        }

        public String path() {
            return handle.path();
        }
    }

    record Fsync(FileHandle handle, boolean dataOnly) implements CountOp {
        public String name() {
            return dataOnly ? "fdatasync" : "fsync";
        }

        public String path() {
            return handle.path();
        }
    }

    record Fallocate(FileHandle handle, int mode, long offset, long length) implements CountOp {
        public String name() {
            return "fallocate";
        }

        public String path() {
            return handle.path();
        }
    }

    record Fadvise(FileHandle handle, long offset, int length, int advice) implements CountOp {
        public String name() {
            return "posix_fadvise";
        }

        public String path() {
            return handle.path();
        }
    }

    record Ftruncate(FileHandle handle, long length) implements CountOp {
        public String name() {
            return "ftruncate";
        }

        public String path() {
            return handle.path();
        }
    }

    record OpenAt(Path file, int flags, int mode, byte[] cPath) implements Op<FileHandle> {
        public OpenAt(Path file, int flags, int mode) {
            this(file, flags, mode, Op.cString(file));
        }

        public String name() {
            return "openat";
        }

        public String path() {
            return file.toString();
        }

        public FileHandle result(int res) {
            return new FileHandle(res, file.toString(), (flags & O_DIRECT) != 0);
        }
    }

    record Statx(Path file, int flags, int mask, byte[] cPath) implements Op<io.asys.Statx> {
        public Statx(Path file, int flags, int mask) {
            this(file, flags, mask, Op.cString(file));
        }

        public String name() {
            return "statx";
        }

        public String path() {
            return file.toString();
        }

        /** Never called: the engine decodes the {@code struct statx} it owns into the request. */
        public io.asys.Statx result(int res) {
            throw new IllegalStateException("the statx result is decoded by the engine");
        }
    }

    record RenameAt(Path from, Path to, int flags, byte[] cFrom, byte[] cTo) implements CountOp {
        public RenameAt(Path from, Path to, int flags) {
            this(from, to, flags, Op.cString(from), Op.cString(to));
        }

        public String name() {
            return "renameat2";
        }

        public String path() {
            return from + " -> " + to;
        }
    }

    record UnlinkAt(Path file, int flags, byte[] cPath) implements CountOp {
        public UnlinkAt(Path file, int flags) {
            this(file, flags, Op.cString(file));
        }

        public String name() {
            return (flags & AT_REMOVEDIR) != 0 ? "rmdir" : "unlinkat";
        }

        public String path() {
            return file.toString();
        }
    }

    record MkdirAt(Path dir, int mode, byte[] cPath) implements CountOp {
        public MkdirAt(Path dir, int mode) {
            this(dir, mode, Op.cString(dir));
        }

        public String name() {
            return "mkdirat";
        }

        public String path() {
            return dir.toString();
        }
    }

    record SymlinkAt(Path target, Path link, byte[] cTarget, byte[] cLink) implements CountOp {
        public SymlinkAt(Path target, Path link) {
            this(target, link, Op.cString(target), Op.cString(link));
        }

        public String name() {
            return "symlinkat";
        }

        public String path() {
            return link.toString();
        }
    }

    record LinkAt(Path existing, Path link, int flags, byte[] cExisting, byte[] cLink) implements CountOp {
        public LinkAt(Path existing, Path link, int flags) {
            this(existing, link, flags, Op.cString(existing), Op.cString(link));
        }

        public String name() {
            return "linkat";
        }

        public String path() {
            return link.toString();
        }
    }

    /** Completes with 0 ... after {@code duration} (an asynchronous sleep). */
    record Timeout(Duration duration) implements CountOp {
        public String name() {
            return "timeout";
        }

        public Integer result(int res) {
            return 0;
        }
    }

    /** Closes a raw descriptor; use {@link Asys#close(FileHandle)} for handles. */
    record Close(int fd, String description) implements CountOp {
        public String name() {
            return "close";
        }

        public String path() {
            return description;
        }
    }

    /** Opens into registered-file slot {@code slot} of the engine's ring (for chains). */
    record OpenDirect(Path file, int flags, int mode, int slot, byte[] cPath) implements CountOp {
        public OpenDirect(Path file, int flags, int mode, int slot) {
            this(file, flags, mode, slot, Op.cString(file));
        }

        public String name() {
            return "openat";
        }

        public String path() {
            return file.toString();
        }
    }

    /** Reads through registered-file slot {@code slot}. */
    record ReadDirect(int slot, MemorySegment buffer, long offset) implements CountOp {
        public String name() {
            return "read";
        }
    }

    /** Closes registered-file slot {@code slot}. */
    record CloseDirect(int slot) implements CountOp {
        public String name() {
            return "close";
        }
    }

    record Readv(FileHandle handle, io.asys.uring.IoVecs buffers, long offset) implements CountOp {
        public String name() {
            return "preadv";
        }

        public String path() {
            return handle.path();
        }
    }

    record Writev(FileHandle handle, io.asys.uring.IoVecs buffers, long offset) implements CountOp {
        public String name() {
            return "pwritev";
        }

        public String path() {
            return handle.path();
        }
    }

    record SyncFileRange(FileHandle handle, long offset, int length, int flags) implements CountOp {
        public String name() {
            return "sync_file_range";
        }

        public String path() {
            return handle.path();
        }
    }

    /** poll(2) for {@code events} (POLLIN = 1, POLLOUT = 4, ...); completes with the events that fired. */
    record PollAdd(FileHandle handle, int events) implements CountOp {
        public String name() {
            return "poll";
        }

        public String path() {
            return handle.path();
        }
    }

    record Socket(int domain, int type, int protocol) implements Op<FileHandle> {
        public String name() {
            return "socket";
        }

        public FileHandle result(int res) {
            return new FileHandle(res, "socket");
        }
    }

    record Connect(FileHandle handle, java.net.InetSocketAddress address, MemorySegment sockaddr) implements CountOp {
        public Connect(FileHandle handle, java.net.InetSocketAddress address) {
            this(handle, address, SocketAddresses.encode(address));
        }

        public String name() {
            return "connect";
        }

        public String path() {
            return address.toString();
        }
    }

    record Bind(FileHandle handle, java.net.InetSocketAddress address, MemorySegment sockaddr) implements CountOp {
        public Bind(FileHandle handle, java.net.InetSocketAddress address) {
            this(handle, address, SocketAddresses.encode(address));
        }

        public String name() {
            return "bind";
        }

        public String path() {
            return address.toString();
        }
    }

    record Listen(FileHandle handle, int backlog) implements CountOp {
        public String name() {
            return "listen";
        }
    }

    record Accept(FileHandle handle) implements Op<FileHandle> {
        public String name() {
            return "accept4";
        }

        public FileHandle result(int res) {
            return new FileHandle(res, "accepted socket");
        }
    }

    record Send(FileHandle handle, MemorySegment buffer, int flags) implements CountOp {
        public String name() {
            return "send";
        }
    }

    record Recv(FileHandle handle, MemorySegment buffer, int flags) implements CountOp {
        public String name() {
            return "recv";
        }
    }

    record Shutdown(FileHandle handle, int how) implements CountOp {
        public String name() {
            return "shutdown";
        }
    }

    /** openat2(2): {@code resolve} takes {@code RESOLVE_*} flags (see {@link io.asys.uring.OpenHow}). */
    record OpenAt2(Path file, int flags, int mode, long resolve, byte[] cPath) implements Op<FileHandle> {
        public OpenAt2(Path file, int flags, int mode, long resolve) {
            this(file, flags, mode, resolve, Op.cString(file));
        }

        public String name() {
            return "openat2";
        }

        public String path() {
            return file.toString();
        }

        public FileHandle result(int res) {
            return new FileHandle(res, file.toString(), (flags & O_DIRECT) != 0);
        }
    }

    /** getxattr(2) into {@code value}; the result is the value's size. */
    record GetXattr(Path file, String attribute, MemorySegment value, byte[] cPath, byte[] cName) implements CountOp {
        public GetXattr(Path file, String attribute, MemorySegment value) {
            this(file, attribute, value, Op.cString(file), Op.cString(attribute));
        }

        public String name() {
            return "getxattr";
        }

        public String path() {
            return file + " [" + attribute + "]";
        }
    }

    /** setxattr(2) of {@code value}; {@code flags}: 0, XATTR_CREATE (1) or XATTR_REPLACE (2). */
    record SetXattr(Path file, String attribute, MemorySegment value, int flags, byte[] cPath, byte[] cName)
            implements CountOp {
        public SetXattr(Path file, String attribute, MemorySegment value, int flags) {
            this(file, attribute, value, flags, Op.cString(file), Op.cString(attribute));
        }

        public String name() {
            return "setxattr";
        }

        public String path() {
            return file + " [" + attribute + "]";
        }
    }

    /** fgetxattr(2). */
    record FGetXattr(FileHandle handle, String attribute, MemorySegment value, byte[] cName) implements CountOp {
        public FGetXattr(FileHandle handle, String attribute, MemorySegment value) {
            this(handle, attribute, value, Op.cString(attribute));
        }

        public String name() {
            return "fgetxattr";
        }

        public String path() {
            return handle.path() + " [" + attribute + "]";
        }
    }

    /** fsetxattr(2). */
    record FSetXattr(FileHandle handle, String attribute, MemorySegment value, int flags, byte[] cName)
            implements CountOp {
        public FSetXattr(FileHandle handle, String attribute, MemorySegment value, int flags) {
            this(handle, attribute, value, flags, Op.cString(attribute));
        }

        public String name() {
            return "fsetxattr";
        }

        public String path() {
            return handle.path() + " [" + attribute + "]";
        }
    }
}
