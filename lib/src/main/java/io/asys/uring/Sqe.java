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

    Sqe(IoUring ring, SlotTable slots) {
        this.ring = ring;
        this.slots = slots;
    }

    void bind(MemorySegment sqes, long at, int slot, long userData) {
        this.sqes = sqes;
        this.at = at;
        this.slot = slot;
        this.userData = userData;
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
        if ((iosqeFlags & FORBIDDEN_FLAGS) != 0) {
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
        sqes.set(ValueLayout.JAVA_BYTE, at + SqeDescriptor.FLAGS, (byte) iosqeFlags);
        return this;
    }

    /** Sets the per-operation flags word (rw_flags such as RWF_NOWAIT, fsync_flags, ...). */
    public Sqe opFlags(int flags) {
        sqes.set(ValueLayout.JAVA_INT_UNALIGNED, at + SqeDescriptor.OP_FLAGS, flags);
        return this;
    }

    /** The base writer every prep method goes through (liburing's io_uring_prep_rw). */
    private Sqe prepRw(int opcode, int fd, long addr, int len, long offset) {
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
        slots.keepAlive(slot, iovecs);
        return prepRw(IORING_OP_READV, fd, iovecs.address(), iovecs.count(), offset);
    }

    /** pwritev2(2) of the buffers of {@code iovecs} in order. */
    public Sqe prepWritev(int fd, IoVecs iovecs, long offset) {
        iovecs.check(false);
        slots.keepAlive(slot, iovecs);
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
}
