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
        int n = text.length();
        byte[] ascii = new byte[n + 1];
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == 0) {
                throw new IllegalArgumentException("contains a NUL byte: " + text);
            }
            if (c >= 0x80) {
                return cStringUtf8(text);
            }
            ascii[i] = (byte) c;
        }
        return ascii; // the usual case, one array: ASCII is UTF-8 as it stands
    }

    private static byte[] cStringUtf8(String text) {
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

    /** With {@code rwFlags} RWF_* flags (NOWAIT, HIPRI, DSYNC, SYNC, APPEND; see {@link io.asys.uring.IoUringAbi}). */
    record Read(FileHandle handle, MemorySegment buffer, long offset, int rwFlags) implements CountOp {
        public Read(FileHandle handle, MemorySegment buffer, long offset) {
            this(handle, buffer, offset, 0);
        }

        public String name() {
            return "read";
        }

        public String path() {
            return handle.path();
        }
    }

    /** With {@code rwFlags} RWF_* flags (NOWAIT, HIPRI, DSYNC, SYNC, APPEND; see {@link io.asys.uring.IoUringAbi}). */
    record Write(FileHandle handle, MemorySegment buffer, long offset, int rwFlags) implements CountOp {
        public Write(FileHandle handle, MemorySegment buffer, long offset) {
            this(handle, buffer, offset, 0);
        }

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

    /**
     * statx of many paths in one request: one hand-off and one future for the batch, run one
     * statx(2) after the other on the lookup threads or a worker (io_uring has no batch opcode:
     * on the io_uring engine it runs on the worker engine). Each path gets its own result or errno
     * ({@link io.asys.StatxResults}); the raw result is the number of paths.
     */
    record StatxAll(java.util.List<Path> files, int flags, int mask, byte[][] cPaths) implements Op<io.asys.StatxResults> {
        public StatxAll(java.util.List<Path> files, int flags, int mask) {
            this(java.util.List.copyOf(files), flags, mask, cStrings(files));
        }

        private static byte[][] cStrings(java.util.List<Path> files) {
            byte[][] c = new byte[files.size()][];
            for (int i = 0; i < c.length; i++) {
                c[i] = Op.cString(files.get(i));
            }
            return c;
        }

        public String name() {
            return "statx";
        }

        public String path() {
            return files.isEmpty() ? "(no paths)" : files.get(0) + (files.size() > 1 ? " and " + (files.size() - 1) + " more" : "");
        }

        /** Never called: the engine collects the results into the request. */
        public io.asys.StatxResults result(int res) {
            throw new IllegalStateException("the statx results are collected by the engine");
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

    /** With {@code rwFlags} RWF_* flags (NOWAIT, HIPRI, DSYNC, SYNC, APPEND; see {@link io.asys.uring.IoUringAbi}). */
    record Readv(FileHandle handle, io.asys.uring.IoVecs buffers, long offset, int rwFlags) implements CountOp {
        public Readv(FileHandle handle, io.asys.uring.IoVecs buffers, long offset) {
            this(handle, buffers, offset, 0);
        }

        public String name() {
            return "preadv";
        }

        public String path() {
            return handle.path();
        }
    }

    /** With {@code rwFlags} RWF_* flags (NOWAIT, HIPRI, DSYNC, SYNC, APPEND; see {@link io.asys.uring.IoUringAbi}). */
    record Writev(FileHandle handle, io.asys.uring.IoVecs buffers, long offset, int rwFlags) implements CountOp {
        public Writev(FileHandle handle, io.asys.uring.IoVecs buffers, long offset) {
            this(handle, buffers, offset, 0);
        }

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

    /**
     * setsockopt(2): {@code option} at {@code level} set to the bytes of {@code value} (a
     * native segment, read by the kernel while the operation runs). On io_uring this is a socket
     * command ({@code IORING_OP_URING_CMD}, {@code SOCKET_URING_OP_SETSOCKOPT}, Linux 6.7+): the
     * option is set on the ring's thread, with no hand-off to a worker; on older kernels asys
     * routes it to a worker. {@link #ofInt} makes the common int-valued form.
     */
    record SetSockOpt(FileHandle handle, int level, int option, MemorySegment value) implements CountOp {
        /** An int-valued option ({@code SO_RCVLOWAT}, {@code SO_RCVBUF}, {@code TCP_NODELAY}, ...). */
        public static SetSockOpt ofInt(FileHandle handle, int level, int option, int value) {
            MemorySegment v = java.lang.foreign.Arena.ofAuto().allocate(java.lang.foreign.ValueLayout.JAVA_INT);
            v.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, value);
            return new SetSockOpt(handle, level, option, v);
        }

        public String name() {
            return "setsockopt";
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

    /** splice(2): moves {@code length} bytes between two descriptors, one a pipe; an offset of -1 means "none". */
    record Splice(FileHandle in, long inOffset, FileHandle out, long outOffset, int length, int flags) implements CountOp {
        public String name() {
            return "splice";
        }

        public FileHandle handle() {
            return in;
        }

        public String path() {
            return in.path() + " -> " + out.path();
        }
    }

    /** tee(2): duplicates up to {@code length} bytes from one pipe into another without consuming them. */
    record Tee(FileHandle in, FileHandle out, int length, int flags) implements CountOp {
        public String name() {
            return "tee";
        }

        public FileHandle handle() {
            return in;
        }

        public String path() {
            return in.path() + " -> " + out.path();
        }
    }

    /** madvise(2) on native memory the caller owns ({@code region} page-aligned). */
    record Madvise(MemorySegment region, int advice) implements CountOp {
        public String name() {
            return "madvise";
        }
    }

    /** send(2) without copying: completes once the kernel no longer reads {@code buffer}. */
    record SendZc(FileHandle handle, MemorySegment buffer, int flags) implements CountOp {
        public String name() {
            return "send_zc";
        }
    }

    /** sendmsg(2) of a header built by {@link io.asys.uring.MessageHeader#forSend}. */
    record SendMsg(FileHandle handle, io.asys.uring.MessageHeader message, int flags) implements CountOp {
        public String name() {
            return "sendmsg";
        }
    }

    /** recvmsg(2) into a header built by {@link io.asys.uring.MessageHeader#forReceive}; the sender's address lands there. */
    record RecvMsg(FileHandle handle, io.asys.uring.MessageHeader message, int flags) implements CountOp {
        public String name() {
            return "recvmsg";
        }
    }

    /** {@code FUTEX2_SIZE_U32}: a 32-bit futex word. */
    int FUTEX2_SIZE_U32 = 0x02;
    /** {@code FUTEX2_PRIVATE}: the word is not shared with other processes. */
    int FUTEX2_PRIVATE = 128;

    /**
     * Waits while the 32-bit word at the start of {@code word} equals {@code expected}; completes
     * with 0 when woken, EAGAIN if the value differed. {@code flags}: FUTEX2_PRIVATE or 0.
     */
    record FutexWait(MemorySegment word, int expected, int flags) implements CountOp {
        public String name() {
            return "futex_wait";
        }
    }

    /** Wakes up to {@code count} waiters of the 32-bit word at {@code word}; completes with how many woke. */
    record FutexWake(MemorySegment word, int count, int flags) implements CountOp {
        public String name() {
            return "futex_wake";
        }
    }

    int P_ALL = 0;
    int P_PID = 1;
    int P_PGID = 2;
    int P_PIDFD = 3;
    int WEXITED = 4;
    int WSTOPPED = 2;
    int WCONTINUED = 8;
    int WNOHANG = 1;
    int WNOWAIT = 0x01000000;

    /** waitid(2): a change of state of a child ({@code WEXITED}, {@code WSTOPPED}, ... in {@code options}). */
    record Waitid(int idtype, int id, int options, MemorySegment info) implements Op<ChildStatus> {
        public Waitid(int idtype, int id, int options) {
            this(idtype, id, options, Arena.ofAuto().allocate(io.asys.uring.Sqe.SIGINFO_SIZE, 8));
        }

        public String name() {
            return "waitid";
        }

        public ChildStatus result(int res) {
            return ChildStatus.decode(info);
        }
    }

    /**
     * Operations that complete many times: each item goes to the consumer (on the engine's
     * thread, in order) and the future completes at the end with the number of items, or with
     * the failure that ended it (ECANCELED after a cancel). A consumer that throws ends it with
     * that exception. Not in chains, without timeouts.
     *
     * @param <I> the item type
     */
    sealed interface Multishot<I> extends Op<Long> {
        java.util.function.Consumer<? super I> consumer();

        /** The item of one raw result ({@code res >= 0}), with the buffer id a completion named (or -1). */
        I item(int res, int bufferId);

        /** Frees an item nobody will see (the consumer failed before it): closes an fd, releases a buffer. */
        default void discard(I item) {
        }

        default Long result(int res) {
            return (long) res;
        }
    }

    /** accept4(2), again and again: one {@link FileHandle} per connection. */
    record AcceptMultishot(FileHandle handle, java.util.function.Consumer<? super FileHandle> consumer)
            implements Multishot<FileHandle> {
        public String name() {
            return "accept4 (multishot)";
        }

        public FileHandle item(int res, int bufferId) {
            return new FileHandle(res, "accepted socket");
        }

        public void discard(FileHandle item) {
            new io.asys.internal.linux.LibC().close(item.fd());
        }
    }

    /** poll(2), again and again: the events each time {@code handle} becomes ready (edge-triggered). */
    record PollMultishot(FileHandle handle, int events, java.util.function.Consumer<? super Integer> consumer)
            implements Multishot<Integer> {
        public String name() {
            return "poll (multishot)";
        }

        public Integer item(int res, int bufferId) {
            return res;
        }
    }

    /** recv(2), again and again, each arrival in a buffer of {@code buffers}, until EOF (normal end). */
    record RecvMultishot(FileHandle handle, ProvidedBuffers buffers, int flags,
                         java.util.function.Consumer<? super ReceivedBuffer> consumer) implements Multishot<ReceivedBuffer> {
        public String name() {
            return "recv (multishot)";
        }

        public ReceivedBuffer item(int res, int bufferId) {
            return buffers.received(bufferId, res);
        }

        public void discard(ReceivedBuffer item) {
            item.release();
        }
    }

    /** recv(2) into a buffer picked from {@code buffers}; empty at EOF. */
    record RecvSelect(FileHandle handle, ProvidedBuffers buffers, int flags) implements Op<ReceivedBuffer> {
        public String name() {
            return "recv";
        }

        /** Engines decode the result with {@link #selected}: it needs the buffer id the completion named. */
        public ReceivedBuffer result(int res) {
            throw new IllegalStateException("the engine decodes the selected buffer");
        }

        /** The result of {@code res} bytes in buffer {@code bufferId} (-1: none was taken). */
        public ReceivedBuffer selected(int res, int bufferId) {
            return buffers.received(bufferId, res);
        }
    }

    /**
     * Posts {@code value} to another {@link Asys}, whose {@link Asys#onMessage} listener receives it
     * (io_uring's MSG_RING between two rings; handed over directly where either side has no ring).
     */
    record MsgRing(Asys target, int value) implements CountOp {
        public String name() {
            return "msg_ring";
        }

        /** The target's ring fd, or -1 when the target runs no io_uring. */
        public int targetRingFd() {
            return target.ringFd();
        }

        /** Delivers the message without a ring (the worker path). */
        public int deliverDirectly() {
            return target.deliverMessage(value);
        }
    }

    /** A read into registered buffer {@code index} ({@link Asys#registerBuffers}), {@code length} bytes at {@code bufferOffset}. */
    record ReadFixed(FileHandle handle, io.asys.uring.FixedBuffers buffers, int index, long bufferOffset, int length,
                     long offset) implements CountOp {
        public String name() {
            return "read_fixed";
        }

        public String path() {
            return handle.path();
        }
    }

    /** A write from registered buffer {@code index}, {@code length} bytes at {@code bufferOffset}. */
    record WriteFixed(FileHandle handle, io.asys.uring.FixedBuffers buffers, int index, long bufferOffset, int length,
                      long offset) implements CountOp {
        public String name() {
            return "write_fixed";
        }

        public String path() {
            return handle.path();
        }
    }
}
