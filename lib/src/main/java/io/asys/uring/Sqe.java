package io.asys.uring;

import io.asys.internal.uring.SlotTable;
import io.asys.internal.uring.SqeDescriptor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static io.asys.uring.IoUringAbi.*;

/**
 * A view of the submission queue entry last handed out by {@link IoUring#getSqe()}, with prep
 * methods shaped like liburing's {@code io_uring_prep_*}: same arguments, same order as the
 * system call. The ring reuses one instance: it is valid until the next {@code getSqe}. Every
 * buffer is bounds-checked before its address is written, and kept reachable by the ring until
 * the operation's completion has been reaped. If a prep method throws, the entry stays a NOP.
 * Owner thread only.
 */
public final class Sqe {
    static {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new ExceptionInInitializerError("asys packs SQE fields for little-endian machines only");
        }
    }

    /** First 8 bytes of a NOP on fd -1: opcode 0, no flags, no ioprio. */
    private static final long NOP_HEADER = (IORING_OP_NOP & 0xFF) | ((long) -1 << 32);
    private static final int FORBIDDEN_FLAGS = IOSQE_CQE_SKIP_SUCCESS | IOSQE_BUFFER_SELECT;

    private final IoUring ring;
    private final SlotTable slots;
    private MemorySegment sqes;
    private long at;
    private int slot;
    private long userData;
    /** IOSQE_* flags the prep method needs kept (BUFFER_SELECT of a provided-buffer receive). */
    private int requiredFlags;

    Sqe(IoUring ring, SlotTable slots) {
        this.ring = ring;
        this.slots = slots;
    }

    void bind(MemorySegment sqes, long at, int slot, long userData) {
        this.sqes = sqes;
        this.at = at;
        this.slot = slot;
        this.userData = userData;
        this.requiredFlags = 0;
        // Enough to make an entry that is never prepped a harmless NOP: opcode and fd, len and op
        // flags, and everything past user_data. A NOP ignores off and addr.
        sqes.set(ValueLayout.JAVA_LONG_UNALIGNED, at + SqeDescriptor.OPCODE, NOP_HEADER);
        sqes.set(ValueLayout.JAVA_LONG_UNALIGNED, at + SqeDescriptor.LEN, 0L);
        sqes.set(ValueLayout.JAVA_LONG_UNALIGNED, at + SqeDescriptor.USER_DATA, userData);
        sqes.set(ValueLayout.JAVA_LONG_UNALIGNED, at + SqeDescriptor.BUF_INDEX, 0L);
        sqes.set(ValueLayout.JAVA_LONG_UNALIGNED, at + SqeDescriptor.ADDR3, 0L);
        sqes.set(ValueLayout.JAVA_LONG_UNALIGNED, at + SqeDescriptor.PAD2, 0L);
    }

    /** The user data this entry's completion will carry: a slot index and a generation. */
    public long userData() {
        return userData;
    }

    /** Attaches an object, returned by {@link IoUring#attachment(long)} until the completion is handled. */
    public Sqe attach(Object attachment) {
        slots.attach(slot, attachment);
        return this;
    }

    /**
     * Sets IOSQE_* flags (link, drain, async, fixed file); call it after the prep method, which
     * clears them, as in liburing. CQE_SKIP_SUCCESS and BUFFER_SELECT are refused, and a refused
     * call turns the entry back into a NOP.
     */
    public Sqe flags(int iosqeFlags) {
        if ((iosqeFlags & FORBIDDEN_FLAGS & ~requiredFlags) != 0) {
            prepNop();
            throw new IllegalArgumentException("IOSQE_CQE_SKIP_SUCCESS and IOSQE_BUFFER_SELECT are not supported here");
        }
        if ((iosqeFlags & IOSQE_FIXED_FILE) != 0) {
            int index = sqes.get(ValueLayout.JAVA_INT_UNALIGNED, at + SqeDescriptor.FD);
            if (index < 0 || index >= ring.registeredFileCount()) {
                prepNop(); // never let the prepared operation run on the plain fd of that number
                throw new IndexOutOfBoundsException("fixed file index " + index + " not registered (count "
                        + ring.registeredFileCount() + ")");
            }
        }
        sqes.set(ValueLayout.JAVA_BYTE, at + SqeDescriptor.FLAGS, (byte) (iosqeFlags | requiredFlags));
        return this;
    }

    /** Adds IOSQE_* flags to those already set (by a prep or an earlier call), with the checks of {@link #flags}. */
    public Sqe addFlags(int iosqeFlags) {
        return flags(Byte.toUnsignedInt(sqes.get(ValueLayout.JAVA_BYTE, at + SqeDescriptor.FLAGS)) | iosqeFlags);
    }

    /** Sets the per-operation flags word (rw_flags such as RWF_NOWAIT, fsync_flags, ...). */
    public Sqe opFlags(int flags) {
        sqes.set(ValueLayout.JAVA_INT_UNALIGNED, at + SqeDescriptor.OP_FLAGS, flags);
        return this;
    }

    /** The base writer every prep method goes through (liburing's io_uring_prep_rw). */
    private Sqe prepRw(int opcode, int fd, long addr, int len, long offset) {
        requiredFlags = 0;
        // opcode, flags, ioprio and fd share the first 8 bytes: one store.
        sqes.set(ValueLayout.JAVA_LONG_UNALIGNED, at + SqeDescriptor.OPCODE, (opcode & 0xFF) | ((long) fd << 32));
        sqes.set(ValueLayout.JAVA_LONG_UNALIGNED, at + SqeDescriptor.OFF, offset);
        sqes.set(ValueLayout.JAVA_LONG_UNALIGNED, at + SqeDescriptor.ADDR, addr);
        // len and the op flags word share 8 bytes: one store, op flags cleared.
        sqes.set(ValueLayout.JAVA_LONG_UNALIGNED, at + SqeDescriptor.LEN, len & 0xFFFF_FFFFL);
        return this;
    }

    public Sqe prepNop() {
        return prepRw(IORING_OP_NOP, -1, 0, 0, 0);
    }

    /** read(2) at {@code offset} (-1: the file position) into the whole of {@code buffer}. */
    public Sqe prepRead(int fd, MemorySegment buffer, long offset) {
        Buffers.checkNative(buffer, true);
        slots.keepAlive(slot, buffer);
        return prepRw(IORING_OP_READ, fd, buffer.address(), (int) buffer.byteSize(), offset);
    }

    /** write(2) of the whole of {@code buffer} at {@code offset} (-1: the file position). */
    public Sqe prepWrite(int fd, MemorySegment buffer, long offset) {
        Buffers.checkNative(buffer, false);
        slots.keepAlive(slot, buffer);
        return prepRw(IORING_OP_WRITE, fd, buffer.address(), (int) buffer.byteSize(), offset);
    }

    /** preadv2(2): the kernel fills the buffers of {@code iovecs} in order. */
    public Sqe prepReadv(int fd, IoVecs iovecs, long offset) {
        iovecs.check(true);
        slots.keepAlive(slot, iovecs.hold());
        return prepRw(IORING_OP_READV, fd, iovecs.address(), iovecs.count(), offset);
    }

    /** pwritev2(2) of the buffers of {@code iovecs} in order. */
    public Sqe prepWritev(int fd, IoVecs iovecs, long offset) {
        iovecs.check(false);
        slots.keepAlive(slot, iovecs.hold());
        return prepRw(IORING_OP_WRITEV, fd, iovecs.address(), iovecs.count(), offset);
    }

    /** A read into registered buffer {@code bufIndex}, {@code length} bytes from {@code bufOffset}. */
    public Sqe prepReadFixed(int fd, FixedBuffers buffers, int bufIndex, long bufOffset, int length, long offset) {
        MemorySegment b = ring.checkFixed(buffers).checkedSlice(bufIndex, bufOffset, length);
        prepRw(IORING_OP_READ_FIXED, fd, b.address() + bufOffset, length, offset);
        sqes.set(ValueLayout.JAVA_SHORT_UNALIGNED, at + SqeDescriptor.BUF_INDEX, (short) bufIndex);
        return this;
    }

    /** A write from registered buffer {@code bufIndex}, {@code length} bytes from {@code bufOffset}. */
    public Sqe prepWriteFixed(int fd, FixedBuffers buffers, int bufIndex, long bufOffset, int length, long offset) {
        MemorySegment b = ring.checkFixed(buffers).checkedSlice(bufIndex, bufOffset, length);
        prepRw(IORING_OP_WRITE_FIXED, fd, b.address() + bufOffset, length, offset);
        sqes.set(ValueLayout.JAVA_SHORT_UNALIGNED, at + SqeDescriptor.BUF_INDEX, (short) bufIndex);
        return this;
    }

    /** fsync(2), or fdatasync(2) with {@link IoUringAbi#IORING_FSYNC_DATASYNC}. */
    public Sqe prepFsync(int fd, int fsyncFlags) {
        prepRw(IORING_OP_FSYNC, fd, 0, 0, 0);
        return opFlags(fsyncFlags);
    }

    /** close(2). */
    public Sqe prepClose(int fd) {
        return prepRw(IORING_OP_CLOSE, fd, 0, 0, 0);
    }

    /** Cancels the operation with {@code targetUserData} (IORING_ASYNC_CANCEL_* flags widen it). */
    public Sqe prepCancel(long targetUserData, int cancelFlags) {
        prepRw(IORING_OP_ASYNC_CANCEL, -1, targetUserData, 0, 0);
        return opFlags(cancelFlags);
    }

    /** Cancels every operation on {@code fd}. */
    public Sqe prepCancelFd(int fd) {
        prepRw(IORING_OP_ASYNC_CANCEL, fd, 0, 0, 0);
        return opFlags(IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL);
    }

    /** Cancels every operation in flight on this ring. */
    public Sqe prepCancelAll() {
        prepRw(IORING_OP_ASYNC_CANCEL, -1, 0, 0, 0);
        return opFlags(IORING_ASYNC_CANCEL_ANY);
    }

    // ---- file data ----------------------------------------------------------------------

    /** fallocate(2): {@code mode}, {@code offset}, {@code length}. */
    public Sqe prepFallocate(int fd, int mode, long offset, long length) {
        return prepRw(IORING_OP_FALLOCATE, fd, length, mode, offset);
    }

    /** posix_fadvise(2) over {@code length} bytes (up to 4 GiB; 0 means to the end of the file). */
    public Sqe prepFadvise(int fd, long offset, int length, int advice) {
        prepRw(IORING_OP_FADVISE, fd, 0, length, offset);
        return opFlags(advice);
    }

    /** madvise(2) over the whole of {@code region}. */
    public Sqe prepMadvise(MemorySegment region, int advice) {
        Buffers.checkNative(region, false);
        slots.keepAlive(slot, region);
        prepRw(IORING_OP_MADVISE, -1, region.address(), (int) region.byteSize(), 0);
        return opFlags(advice);
    }

    /** ftruncate(2). */
    public Sqe prepFtruncate(int fd, long length) {
        return prepRw(IORING_OP_FTRUNCATE, fd, 0, 0, length);
    }

    /** sync_file_range(2). */
    public Sqe prepSyncFileRange(int fd, int length, long offset, int flags) {
        prepRw(IORING_OP_SYNC_FILE_RANGE, fd, 0, length, offset);
        return opFlags(flags);
    }

    /** splice(2) of {@code nbytes} from {@code fdIn} at {@code offIn} (-1: none) to {@code fdOut} at {@code offOut}. */
    public Sqe prepSplice(int fdIn, long offIn, int fdOut, long offOut, int nbytes, int spliceFlags) {
        prepRw(IORING_OP_SPLICE, fdOut, offIn, nbytes, offOut);
        sqes.set(ValueLayout.JAVA_INT_UNALIGNED, at + SqeDescriptor.FILE_INDEX, fdIn);
        return opFlags(spliceFlags);
    }

    /** tee(2) of {@code nbytes} from pipe {@code fdIn} to pipe {@code fdOut}. */
    public Sqe prepTee(int fdIn, int fdOut, int nbytes, int spliceFlags) {
        prepRw(IORING_OP_TEE, fdOut, 0, nbytes, 0);
        sqes.set(ValueLayout.JAVA_INT_UNALIGNED, at + SqeDescriptor.FILE_INDEX, fdIn);
        return opFlags(spliceFlags);
    }

    // ---- file metadata ------------------------------------------------------------------

    /** openat(2); {@code path} is a NUL-terminated native string. */
    public Sqe prepOpenat(int dfd, MemorySegment path, int flags, int mode) {
        keep(Buffers.checkCString(path));
        prepRw(IORING_OP_OPENAT, dfd, path.address(), mode, 0);
        return opFlags(flags);
    }

    /** openat(2) into registered-file slot {@code fileIndex} (a direct descriptor); res is 0 on success. */
    public Sqe prepOpenatDirect(int dfd, MemorySegment path, int flags, int mode, int fileIndex) {
        prepOpenat(dfd, path, flags, mode);
        sqes.set(ValueLayout.JAVA_INT_UNALIGNED, at + SqeDescriptor.FILE_INDEX, fileIndex + 1);
        return this;
    }

    /** openat2(2) with a {@code struct open_how} ({@link OpenHow}). */
    public Sqe prepOpenat2(int dfd, MemorySegment path, OpenHow how) {
        Buffers.checkCString(path);
        slots.keepAlive(slot, new Object[] {path, how});
        return prepRw(IORING_OP_OPENAT2, dfd, path.address(), OpenHow.SIZE, how.address());
    }

    /** Closes registered-file slot {@code fileIndex}. */
    public Sqe prepCloseDirect(int fileIndex) {
        prepRw(IORING_OP_CLOSE, 0, 0, 0, 0);
        sqes.set(ValueLayout.JAVA_INT_UNALIGNED, at + SqeDescriptor.FILE_INDEX, fileIndex + 1);
        return this;
    }

    /** statx(2) into {@code statxBuffer} (at least 256 bytes; see {@code io.asys.Statx}). */
    public Sqe prepStatx(int dfd, MemorySegment path, int flags, int mask, MemorySegment statxBuffer) {
        Buffers.checkCString(path);
        Buffers.checkNative(statxBuffer, true);
        if (statxBuffer.byteSize() < STATX_SIZE) {
            throw new IllegalArgumentException("statx buffer must hold 256 bytes, not " + statxBuffer.byteSize());
        }
        slots.keepAlive(slot, new Object[] {path, statxBuffer});
        prepRw(IORING_OP_STATX, dfd, path.address(), mask, statxBuffer.address());
        return opFlags(flags);
    }

    /** renameat2(2). */
    public Sqe prepRenameat(int oldDfd, MemorySegment oldPath, int newDfd, MemorySegment newPath, int flags) {
        Buffers.checkCString(oldPath);
        Buffers.checkCString(newPath);
        slots.keepAlive(slot, new Object[] {oldPath, newPath});
        prepRw(IORING_OP_RENAMEAT, oldDfd, oldPath.address(), newDfd, newPath.address());
        return opFlags(flags);
    }

    /** unlinkat(2); {@code AT_REMOVEDIR} in flags removes a directory. */
    public Sqe prepUnlinkat(int dfd, MemorySegment path, int flags) {
        keep(Buffers.checkCString(path));
        prepRw(IORING_OP_UNLINKAT, dfd, path.address(), 0, 0);
        return opFlags(flags);
    }

    /** mkdirat(2). */
    public Sqe prepMkdirat(int dfd, MemorySegment path, int mode) {
        keep(Buffers.checkCString(path));
        return prepRw(IORING_OP_MKDIRAT, dfd, path.address(), mode, 0);
    }

    /** symlinkat(2): a link at {@code linkPath} (relative to {@code newDfd}) pointing to {@code target}. */
    public Sqe prepSymlinkat(MemorySegment target, int newDfd, MemorySegment linkPath) {
        Buffers.checkCString(target);
        Buffers.checkCString(linkPath);
        slots.keepAlive(slot, new Object[] {target, linkPath});
        return prepRw(IORING_OP_SYMLINKAT, newDfd, target.address(), 0, linkPath.address());
    }

    /** linkat(2). */
    public Sqe prepLinkat(int oldDfd, MemorySegment oldPath, int newDfd, MemorySegment newPath, int flags) {
        Buffers.checkCString(oldPath);
        Buffers.checkCString(newPath);
        slots.keepAlive(slot, new Object[] {oldPath, newPath});
        prepRw(IORING_OP_LINKAT, oldDfd, oldPath.address(), newDfd, newPath.address());
        return opFlags(flags);
    }

    // ---- timeouts and polling -------------------------------------------------------------

    /** A timeout that completes with {@code -ETIME} after {@code timeout}, or with 0 after {@code count} completions. */
    public Sqe prepTimeout(Timespec timeout, int count, int flags) {
        keep(timeout);
        prepRw(IORING_OP_TIMEOUT, -1, timeout.address(), 1, count);
        return opFlags(flags);
    }

    /** Removes the timeout with {@code targetUserData}. */
    public Sqe prepTimeoutRemove(long targetUserData, int flags) {
        prepRw(IORING_OP_TIMEOUT_REMOVE, -1, targetUserData, 0, 0);
        return opFlags(flags);
    }

    /** A timeout on the previous, IOSQE_IO_LINK-ed entry: cancels it when {@code timeout} passes first. */
    public Sqe prepLinkTimeout(Timespec timeout, int flags) {
        keep(timeout);
        prepRw(IORING_OP_LINK_TIMEOUT, -1, timeout.address(), 1, 0);
        return opFlags(flags);
    }

    /** poll(2) for {@code pollMask} on {@code fd}: completes with the events that fired. */
    public Sqe prepPollAdd(int fd, int pollMask) {
        prepRw(IORING_OP_POLL_ADD, fd, 0, 0, 0);
        return opFlags(pollMask);
    }

    /** Removes the poll with {@code targetUserData}. */
    public Sqe prepPollRemove(long targetUserData) {
        return prepRw(IORING_OP_POLL_REMOVE, -1, targetUserData, 0, 0);
    }

    // ---- network ------------------------------------------------------------------------

    /** socket(2). */
    public Sqe prepSocket(int domain, int type, int protocol, int flags) {
        prepRw(IORING_OP_SOCKET, domain, 0, protocol, type);
        return opFlags(flags);
    }

    /** connect(2) to a {@code struct sockaddr} of {@code address.byteSize()} bytes. */
    public Sqe prepConnect(int fd, MemorySegment address) {
        Buffers.checkNative(address, false);
        keep(address);
        return prepRw(IORING_OP_CONNECT, fd, address.address(), 0, address.byteSize());
    }

    /** bind(2). */
    public Sqe prepBind(int fd, MemorySegment address) {
        Buffers.checkNative(address, false);
        keep(address);
        return prepRw(IORING_OP_BIND, fd, address.address(), 0, address.byteSize());
    }

    /**
     * setsockopt(2) as a socket command ({@code IORING_OP_URING_CMD} with
     * {@code SOCKET_URING_OP_SETSOCKOPT}, Linux 6.7+): {@code cmd_op} in the offset word, level
     * and option name in the address word, the option's length and address where
     * {@code io_uring_sqe} keeps {@code optlen} and {@code optval}.
     */
    public Sqe prepSetSockOpt(int fd, int level, int name, MemorySegment value) {
        Buffers.checkNative(value, false);
        keep(value);
        prepRw(IORING_OP_URING_CMD, fd, (level & 0xFFFF_FFFFL) | ((long) name << 32), 0, SOCKET_URING_OP_SETSOCKOPT);
        sqes.set(ValueLayout.JAVA_INT_UNALIGNED, at + SqeDescriptor.FILE_INDEX, (int) value.byteSize());
        sqes.set(ValueLayout.JAVA_LONG_UNALIGNED, at + SqeDescriptor.ADDR3, value.address());
        return this;
    }

    /** listen(2). */
    public Sqe prepListen(int fd, int backlog) {
        return prepRw(IORING_OP_LISTEN, fd, 0, backlog, 0);
    }

    /** accept4(2) without the peer address. */
    public Sqe prepAccept(int fd, int flags) {
        prepRw(IORING_OP_ACCEPT, fd, 0, 0, 0);
        return opFlags(flags);
    }

    /** send(2) of the whole of {@code buffer}. */
    public Sqe prepSend(int fd, MemorySegment buffer, int msgFlags) {
        Buffers.checkNative(buffer, false);
        keep(buffer);
        prepRw(IORING_OP_SEND, fd, buffer.address(), (int) buffer.byteSize(), 0);
        return opFlags(msgFlags);
    }

    /** recv(2) into the whole of {@code buffer}. */
    public Sqe prepRecv(int fd, MemorySegment buffer, int msgFlags) {
        Buffers.checkNative(buffer, true);
        keep(buffer);
        prepRw(IORING_OP_RECV, fd, buffer.address(), (int) buffer.byteSize(), 0);
        return opFlags(msgFlags);
    }

    /** shutdown(2). */
    public Sqe prepShutdown(int fd, int how) {
        return prepRw(IORING_OP_SHUTDOWN, fd, 0, how, 0);
    }

    /**
     * send(2) without copying ({@code IORING_OP_SEND_ZC}): two completions, the result (with
     * IORING_CQE_F_MORE) and later a notification (IORING_CQE_F_NOTIF) once the kernel no longer
     * reads {@code buffer}; the buffer is held until that second one.
     */
    public Sqe prepSendZc(int fd, MemorySegment buffer, int msgFlags, int zcFlags) {
        Buffers.checkNative(buffer, false);
        keep(buffer);
        prepRw(IORING_OP_SEND_ZC, fd, buffer.address(), (int) buffer.byteSize(), 0);
        ioprio(zcFlags);
        return opFlags(msgFlags);
    }

    /** sendmsg(2) of a header asys built (its buffers and address are checked and held). */
    public Sqe prepSendmsg(int fd, MessageHeader message, int msgFlags) {
        keep(message.prepare());
        prepRw(IORING_OP_SENDMSG, fd, message.segment().address(), 1, 0);
        return opFlags(msgFlags);
    }

    /** recvmsg(2) into a header asys built; the sender's address lands in it. */
    public Sqe prepRecvmsg(int fd, MessageHeader message, int msgFlags) {
        keep(message.prepare());
        prepRw(IORING_OP_RECVMSG, fd, message.segment().address(), 1, 0);
        return opFlags(msgFlags);
    }

    /** A multishot accept: one completion per connection (with IORING_CQE_F_MORE) until cancelled or failed. */
    public Sqe prepAcceptMultishot(int fd, int flags) {
        prepAccept(fd, flags);
        return ioprio(IORING_ACCEPT_MULTISHOT);
    }

    /** A multishot poll: one completion (with IORING_CQE_F_MORE) each time {@code fd} becomes ready. */
    public Sqe prepPollMultishot(int fd, int pollMask) {
        prepPollAdd(fd, pollMask);
        sqes.set(ValueLayout.JAVA_INT_UNALIGNED, at + SqeDescriptor.LEN, IORING_POLL_ADD_MULTI);
        return this;
    }

    /** recv(2) into a buffer the kernel selects from {@code buffers}; the CQE names it. */
    public Sqe prepRecvSelect(int fd, BufferRing buffers, int msgFlags) {
        if (buffers.owner() != slots || !buffers.isRegistered()) {
            throw new IllegalArgumentException("buffer ring " + buffers.groupId() + " is not registered with this ring");
        }
        keep(buffers);
        prepRw(IORING_OP_RECV, fd, 0, 0, 0);
        opFlags(msgFlags);
        sqes.set(ValueLayout.JAVA_SHORT_UNALIGNED, at + SqeDescriptor.BUF_INDEX, (short) buffers.groupId());
        requiredFlags = IOSQE_BUFFER_SELECT;
        sqes.set(ValueLayout.JAVA_BYTE, at + SqeDescriptor.FLAGS, (byte) IOSQE_BUFFER_SELECT);
        return this;
    }

    /** A multishot recv: one completion per arrival, each in a buffer of {@code buffers}, until EOF, error or cancel. */
    public Sqe prepRecvMultishot(int fd, BufferRing buffers, int msgFlags) {
        prepRecvSelect(fd, buffers, msgFlags);
        return ioprio(IORING_RECV_MULTISHOT);
    }

    /**
     * Waits while the 32-bit futex word at the start of {@code futex} equals {@code expected}
     * (futex2: {@code futexFlags} such as FUTEX2_SIZE_U32 | FUTEX2_PRIVATE).
     */
    public Sqe prepFutexWait(MemorySegment futex, long expected, long mask, int futexFlags) {
        Buffers.checkFutexWord(futex);
        keep(futex);
        prepRw(IORING_OP_FUTEX_WAIT, futexFlags, futex.address(), 0, expected);
        sqes.set(ValueLayout.JAVA_LONG_UNALIGNED, at + SqeDescriptor.ADDR3, mask);
        return this;
    }

    /** Wakes up to {@code count} waiters of the futex word at the start of {@code futex}. */
    public Sqe prepFutexWake(MemorySegment futex, long count, long mask, int futexFlags) {
        Buffers.checkFutexWord(futex);
        keep(futex);
        prepRw(IORING_OP_FUTEX_WAKE, futexFlags, futex.address(), 0, count);
        sqes.set(ValueLayout.JAVA_LONG_UNALIGNED, at + SqeDescriptor.ADDR3, mask);
        return this;
    }

    /** waitid(2) for {@code idtype}/{@code id}; the {@code siginfo_t} (128 bytes) lands in {@code info}. */
    public Sqe prepWaitid(int idtype, int id, MemorySegment info, int options) {
        Buffers.checkSiginfo(info);
        keep(info);
        prepRw(IORING_OP_WAITID, id, 0, idtype, info.address());
        sqes.set(ValueLayout.JAVA_INT_UNALIGNED, at + SqeDescriptor.FILE_INDEX, options);
        return this;
    }

    /**
     * Posts a completion on another ring ({@code ringFd}) carrying {@code res} and
     * {@code targetUserData} (IORING_MSG_DATA). asys rings hand user data with the top bit set to
     * their handler as a message.
     */
    public Sqe prepMsgRing(int ringFd, int res, long targetUserData) {
        return prepRw(IORING_OP_MSG_RING, ringFd, IORING_MSG_DATA, res, targetUserData);
    }

    private Sqe ioprio(int value) {
        sqes.set(ValueLayout.JAVA_SHORT_UNALIGNED, at + SqeDescriptor.IOPRIO, (short) value);
        return this;
    }

    // ---- extended attributes ----------------------------------------------------------------

    /** getxattr(2): the value of {@code name} of the file at {@code path}, into {@code value}. */
    public Sqe prepGetxattr(MemorySegment name, MemorySegment value, MemorySegment path) {
        Buffers.checkCString(name);
        Buffers.checkCString(path);
        Buffers.checkNative(value, true);
        slots.keepAlive(slot, new Object[] {name, value, path});
        prepRw(IORING_OP_GETXATTR, 0, name.address(), (int) value.byteSize(), value.address());
        sqes.set(ValueLayout.JAVA_LONG_UNALIGNED, at + SqeDescriptor.ADDR3, path.address());
        return this;
    }

    /** fgetxattr(2). */
    public Sqe prepFgetxattr(int fd, MemorySegment name, MemorySegment value) {
        Buffers.checkCString(name);
        Buffers.checkNative(value, true);
        slots.keepAlive(slot, new Object[] {name, value});
        return prepRw(IORING_OP_FGETXATTR, fd, name.address(), (int) value.byteSize(), value.address());
    }

    /** setxattr(2) with XATTR_CREATE / XATTR_REPLACE flags. */
    public Sqe prepSetxattr(MemorySegment name, MemorySegment value, MemorySegment path, int flags) {
        Buffers.checkCString(name);
        Buffers.checkCString(path);
        Buffers.checkNative(value, false);
        slots.keepAlive(slot, new Object[] {name, value, path});
        prepRw(IORING_OP_SETXATTR, 0, name.address(), (int) value.byteSize(), value.address());
        sqes.set(ValueLayout.JAVA_LONG_UNALIGNED, at + SqeDescriptor.ADDR3, path.address());
        return opFlags(flags);
    }

    /** fsetxattr(2). */
    public Sqe prepFsetxattr(int fd, MemorySegment name, MemorySegment value, int flags) {
        Buffers.checkCString(name);
        Buffers.checkNative(value, false);
        slots.keepAlive(slot, new Object[] {name, value});
        prepRw(IORING_OP_FSETXATTR, fd, name.address(), (int) value.byteSize(), value.address());
        return opFlags(flags);
    }

    /** openat2(2) with a {@code struct open_how} of 24 bytes in {@code how}. */
    public Sqe prepOpenat2(int dfd, MemorySegment path, MemorySegment how) {
        Buffers.checkCString(path);
        Buffers.checkNative(how, false);
        if (how.byteSize() < OpenHow.SIZE) {
            throw new IllegalArgumentException("struct open_how needs 24 bytes, not " + how.byteSize());
        }
        slots.keepAlive(slot, new Object[] {path, how});
        return prepRw(IORING_OP_OPENAT2, dfd, path.address(), OpenHow.SIZE, how.address());
    }

    private void keep(Object o) {
        slots.keepAlive(slot, o);
    }

    private static final long STATX_SIZE = 256;
    /** {@code sizeof(siginfo_t)}. */
    public static final int SIGINFO_SIZE = 128;
}
