package io.asys.kaio;

import io.asys.internal.kaio.AioDescriptor;
import io.asys.uring.Buffers;
import io.asys.uring.IoVecs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One I/O control block, libaio's {@code struct iocb}: what to do ({@code aio_lio_opcode}), on
 * which descriptor, with which buffer, length and offset, the caller's 64-bit cookie
 * ({@code aio_data}), {@code RWF_*} flags and an optional eventfd ({@code IOCB_FLAG_RESFD}).
 * Fill it with a {@code prep*} method (libaio's {@code io_prep_*}, same arguments in the same
 * order; like them it clears every field first), then set the cookie and the eventfd.
 *
 * <p>{@link IoContext#submit} copies the fields, as the kernel does: the object may be refilled
 * once submitted, but its identity is what {@link IoEvent#iocb()} and {@link IoContext#cancel}
 * use, so keep one object per operation in flight. Not thread-safe; buffers are native segments
 * kept reachable by the context until the operation's event is delivered.
 */
public final class Iocb {
    public static final int IOCB_CMD_PREAD = 0;
    public static final int IOCB_CMD_PWRITE = 1;
    public static final int IOCB_CMD_FSYNC = 2;
    public static final int IOCB_CMD_FDSYNC = 3;
    public static final int IOCB_CMD_POLL = 5;
    /** Completes with 0 on asys's KAIO; the kernel defines the opcode but refuses it (EINVAL). */
    public static final int IOCB_CMD_NOOP = 6;
    public static final int IOCB_CMD_PREADV = 7;
    public static final int IOCB_CMD_PWRITEV = 8;

    /** {@code aio_resfd} is valid: the eventfd is incremented by one per completion. */
    public static final int IOCB_FLAG_RESFD = 1 << 0;

    /** {@code aio_rw_flags}, as for preadv2/pwritev2. The kernel's AIO ignores HIPRI (nobody polls). */
    public static final int RWF_HIPRI = 0x01;
    public static final int RWF_DSYNC = 0x02;
    public static final int RWF_SYNC = 0x04;
    public static final int RWF_NOWAIT = 0x08;
    public static final int RWF_APPEND = 0x10;
    public static final int RWF_NOAPPEND = 0x20;
    /** Every RWF flag this class knows; others fail the submit with EOPNOTSUPP. */
    public static final int RWF_SUPPORTED = 0x3f;

    /** POLL events (the low 16 bits of {@code aio_buf}). */
    public static final int POLLIN = 0x001;
    public static final int POLLOUT = 0x004;

    private int opcode = IOCB_CMD_NOOP;
    private int fd = -1;
    private MemorySegment buffer;
    private IoVecs iovecs;
    private long nbytes;
    private long offset;
    private long data;
    private int rwFlags;
    private int flags;
    private int resfd = -1;
    private int pollEvents;
    /** The kernel's copy ({@code struct iocb}), made on the first submit to a kernel context. */
    private MemorySegment kernelStruct;

    /** An iocb cleared to zero but for the opcode, which is NOOP. */
    public Iocb() {
    }

    private Iocb clear(int opcode, int fd) {
        this.opcode = opcode;
        this.fd = fd;
        this.buffer = null;
        this.iovecs = null;
        this.nbytes = 0;
        this.offset = 0;
        this.data = 0;
        this.rwFlags = 0;
        this.flags = 0;
        this.resfd = -1;
        this.pollEvents = 0;
        return this;
    }

    private Iocb rw(int opcode, int fd, MemorySegment buf, long count, long offset, boolean kernelWrites) {
        Buffers.checkNative(buf, kernelWrites);
        if (count < 0 || count > buf.byteSize()) {
            throw new IllegalArgumentException("count " + count + " outside the buffer of " + buf.byteSize() + " bytes");
        }
        clear(opcode, fd);
        this.buffer = buf;
        this.nbytes = count;
        this.offset = offset;
        return this;
    }

    /** io_prep_pread: read {@code count} bytes of {@code fd} at {@code offset} into {@code buf}. */
    public Iocb prepPread(int fd, MemorySegment buf, long count, long offset) {
        return rw(IOCB_CMD_PREAD, fd, buf, count, offset, true);
    }

    /** io_prep_pwrite: write {@code count} bytes of {@code buf} to {@code fd} at {@code offset}. */
    public Iocb prepPwrite(int fd, MemorySegment buf, long count, long offset) {
        return rw(IOCB_CMD_PWRITE, fd, buf, count, offset, false);
    }

    /** io_prep_preadv: read into the {@code iov.count()} buffers of {@code iov}. */
    public Iocb prepPreadv(int fd, IoVecs iov, long offset) {
        return vectored(IOCB_CMD_PREADV, fd, iov, offset);
    }

    /** io_prep_pwritev: write the {@code iov.count()} buffers of {@code iov}. */
    public Iocb prepPwritev(int fd, IoVecs iov, long offset) {
        return vectored(IOCB_CMD_PWRITEV, fd, iov, offset);
    }

    private Iocb vectored(int opcode, int fd, IoVecs iov, long offset) {
        clear(opcode, fd);
        this.iovecs = iov;
        this.nbytes = iov.count();
        this.offset = offset;
        return this;
    }

    /** io_prep_fsync. */
    public Iocb prepFsync(int fd) {
        return clear(IOCB_CMD_FSYNC, fd);
    }

    /** io_prep_fdsync. */
    public Iocb prepFdsync(int fd) {
        return clear(IOCB_CMD_FDSYNC, fd);
    }

    /** io_prep_poll: completes once {@code fd} has one of {@code events} (POLLIN, POLLOUT, ...); res is the mask. */
    public Iocb prepPoll(int fd, int events) {
        clear(IOCB_CMD_POLL, fd);
        this.pollEvents = events;
        return this;
    }

    /**
     * A no-op on {@code fd}: completes with res 0 on asys's KAIO; the kernel refuses IOCB_CMD_NOOP
     * (EINVAL). Both check {@code fd} first, as the kernel does for every opcode.
     */
    public Iocb prepNoop(int fd) {
        return clear(IOCB_CMD_NOOP, fd);
    }

    /** Sets the caller's cookie ({@code aio_data}), returned in {@link IoEvent#data()}. */
    public Iocb data(long cookie) {
        this.data = cookie;
        return this;
    }

    /** Sets {@code aio_rw_flags} ({@code RWF_*}) of a read or write. */
    public Iocb rwFlags(int rwFlags) {
        this.rwFlags = rwFlags;
        return this;
    }

    /** io_set_eventfd: sets IOCB_FLAG_RESFD; each completion adds one to {@code eventfd}. */
    public Iocb setEventfd(int eventfd) {
        this.flags |= IOCB_FLAG_RESFD;
        this.resfd = eventfd;
        return this;
    }

    public int opcode() {
        return opcode;
    }

    public int fd() {
        return fd;
    }

    /** The buffer of PREAD/PWRITE, or {@code null}. */
    public MemorySegment buffer() {
        return buffer;
    }

    /** The iovec array of PREADV/PWRITEV, or {@code null}. */
    public IoVecs iovecs() {
        return iovecs;
    }

    /** Bytes for PREAD/PWRITE; the iovec count for PREADV/PWRITEV. */
    public long nbytes() {
        return nbytes;
    }

    public long offset() {
        return offset;
    }

    public long data() {
        return data;
    }

    public int rwFlags() {
        return rwFlags;
    }

    /** {@code aio_flags}: IOCB_FLAG_RESFD or 0. */
    public int flags() {
        return flags;
    }

    /** The eventfd, or -1 without IOCB_FLAG_RESFD. */
    public int resfd() {
        return (flags & IOCB_FLAG_RESFD) != 0 ? resfd : -1;
    }

    /** The POLL events, or 0. */
    public int pollEvents() {
        return pollEvents;
    }

    /** Writes the kernel's {@code struct iocb} for this iocb with {@code aio_data = tag}; its native copy. */
    MemorySegment writeKernelStruct(long tag) {
        MemorySegment s = kernelStruct;
        if (s == null) {
            s = Arena.ofAuto().allocate(AioDescriptor.IOCB_SIZE, 8);
            kernelStruct = s;
        }
        long buf = switch (opcode) {
            case IOCB_CMD_PREAD, IOCB_CMD_PWRITE -> buffer.address();
            case IOCB_CMD_PREADV, IOCB_CMD_PWRITEV -> iovecs.address();
            case IOCB_CMD_POLL -> Integer.toUnsignedLong(pollEvents);
            default -> 0;
        };
        s.fill((byte) 0);
        s.set(ValueLayout.JAVA_LONG, AioDescriptor.IOCB_DATA, tag);
        s.set(ValueLayout.JAVA_INT, AioDescriptor.IOCB_RW_FLAGS, rwFlags);
        s.set(ValueLayout.JAVA_SHORT, AioDescriptor.IOCB_LIO_OPCODE, (short) opcode);
        s.set(ValueLayout.JAVA_INT, AioDescriptor.IOCB_FILDES, fd);
        s.set(ValueLayout.JAVA_LONG, AioDescriptor.IOCB_BUF, buf);
        s.set(ValueLayout.JAVA_LONG, AioDescriptor.IOCB_NBYTES, nbytes);
        s.set(ValueLayout.JAVA_LONG, AioDescriptor.IOCB_OFFSET, offset);
        s.set(ValueLayout.JAVA_INT, AioDescriptor.IOCB_FLAGS, flags);
        s.set(ValueLayout.JAVA_INT, AioDescriptor.IOCB_RESFD, resfd);
        return s;
    }

    /** The native copy last written for a kernel context, or {@code null} if never submitted to one. */
    MemorySegment kernelStruct() {
        return kernelStruct;
    }

    @Override
    public String toString() {
        return "Iocb[opcode=" + opcode + ", fd=" + fd + ", nbytes=" + nbytes + ", offset=" + offset + ", data=" + data + "]";
    }
}
