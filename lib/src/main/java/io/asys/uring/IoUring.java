package io.asys.uring;

import io.asys.Errno;
import io.asys.ErrnoException;
import io.asys.internal.uring.BufRingDescriptor;
import io.asys.internal.uring.CompletionQueue;
import io.asys.internal.uring.EnterArgDescriptor;
import io.asys.internal.uring.IoUringCalls;
import io.asys.internal.uring.MappedRing;
import io.asys.internal.uring.RegisterDescriptor;
import io.asys.internal.uring.RingSetup;
import io.asys.internal.uring.SlotTable;
import io.asys.internal.uring.SubmissionQueue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static io.asys.uring.IoUringAbi.*;

/**
 * One io_uring instance driven from Java: get an SQE, prep it, submit a batch, reap completions
 * through a {@link CompletionHandler}. No allocation per operation in steady state.
 *
 * <p>Single owner: one thread uses a ring at a time (with the default single-issuer setup, the
 * thread that created it). {@code user_data} is a slot index plus a generation; each in-flight
 * operation's buffers are held by its slot until its completion has been reaped, and
 * {@link #close} cancels and waits for everything in flight before any memory is released.
 */
public final class IoUring implements AutoCloseable {
    /** User data of the ring's own requests (the cancel at close); never handed to a handler. */
    private static final long INTERNAL_USER_DATA = -2L;
    /** How long close waits for the kernel to give back cancelled operations (property in ms, default 10 s). */
    public static final String CLOSE_DRAIN_PROP_NAME = "asys.uring.closeDrainMillis";
    public static final long CLOSE_DRAIN_MILLIS_DEFAULT = 10_000;
    /** Objects that a kernel which would not give them back still references: kept forever. */
    private static final List<Object> LEAKED = new ArrayList<>();
    /** Releases rings that were never closed (their own thread: a release never waits on the kernel). */
    private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create(
            Thread.ofPlatform().daemon().name("asys-ring-cleaner").factory());

    private final MappedRing mapped;
    private final SubmissionQueue sq;
    private final CompletionQueue cq;
    private final SlotTable slots;
    private final IoUringCalls calls = new IoUringCalls();
    private final Sqe sqe;
    private final MemorySegment sqes;
    private final Arena memory = Arena.ofShared();
    private final MemorySegment waitArg;
    private final MemorySegment timespec;
    private final boolean sqPoll;
    private final int enterFd;
    private final int enterFlags;
    private int registeredFiles;
    private FixedBuffers fixedBuffers;
    /** Registered buffer rings: the kernel may write into them until the ring is closed. */
    private final List<BufferRing> bufferRings = new ArrayList<>();
    private boolean reaping;
    private boolean closed;
    private long strayCompletions;
    private final java.lang.ref.Cleaner.Cleanable cleanable;

    /**
     * What a ring leaves behind: run once, by {@link #close} or, for a ring never closed, by the
     * cleaner. Memory of operations still in the kernel is kept for the process's life, never freed;
     * closing the fd makes the kernel cancel them. Holds no reference to the ring itself.
     */
    private record Release(MappedRing mapped, SlotTable slots, Arena memory, List<BufferRing> bufferRings)
            implements Runnable {
        @Override
        public void run() {
            if (slots.inUse() > 0) {
                synchronized (LEAKED) {
                    LEAKED.add(slots.heldObjects());
                    LEAKED.add(memory);
                    LEAKED.add(bufferRings); // the kernel may still pick buffers from them
                }
            } else {
                memory.close();
            }
            mapped.unmapAndClose();
        }
    }

    private IoUring(MappedRing mapped, IoUringConfig config) {
        this.mapped = mapped;
        this.sq = mapped.sq();
        this.cq = mapped.cq();
        this.sqes = sq.sqes();
        int capacity = config.maxInFlight() > 0 ? config.maxInFlight() : cq.entries();
        this.slots = new SlotTable(capacity);
        this.sqe = new Sqe(this, slots);
        this.sqPoll = (mapped.setupFlags() & IORING_SETUP_SQPOLL) != 0;
        this.waitArg = memory.allocate(EnterArgDescriptor.SIZE, 8);
        this.timespec = memory.allocate(EnterArgDescriptor.TIMESPEC_SIZE, 8);
        waitArg.set(ValueLayout.JAVA_LONG, EnterArgDescriptor.TS, timespec.address());
        int registeredIndex = config.registerRingFd() ? registerRingFd() : -1;
        this.enterFd = registeredIndex >= 0 ? registeredIndex : mapped.fd();
        this.enterFlags = registeredIndex >= 0 ? IORING_ENTER_REGISTERED_RING : 0;
        this.cleanable = CLEANER.register(this, new Release(mapped, slots, memory, bufferRings));
    }

    /** Creates a ring; fails with the errno when the kernel refuses (see {@link IoUringSupport}). */
    public static IoUring open(IoUringConfig config) throws ErrnoException {
        return open(config, 0);
    }

    /**
     * Creates a ring that is disabled (IORING_SETUP_R_DISABLED): nothing can be submitted until
     * {@link #enable()}. In between, {@link #registerRestrictions} locks it to chosen opcodes,
     * register operations and SQE flags, for good. With single issuer, the enabling thread is the issuer.
     */
    public static IoUring openDisabled(IoUringConfig config) throws ErrnoException {
        IoUring ring = open(config, IORING_SETUP_R_DISABLED);
        if ((ring.setupFlags() & IORING_SETUP_R_DISABLED) == 0) {
            ring.close();
            throw new UnsupportedOperationException("this kernel does not create disabled rings (IORING_SETUP_R_DISABLED)");
        }
        return ring;
    }

    private static IoUring open(IoUringConfig config, int extraFlags) throws ErrnoException {
        if (IoUringSupport.ENGINE_WORKERS.equals(System.getProperty(IoUringSupport.ENGINE_PROP_NAME))) {
            throw new UnsupportedOperationException("io_uring not used: "
                    + IoUringSupport.ENGINE_PROP_NAME + "=" + IoUringSupport.ENGINE_WORKERS);
        }
        RingSetup.Result r = RingSetup.setup(new IoUringCalls(), config.entries(), config.cqEntries(),
                config.setupFlags() | extraFlags, config.sqPollIdleMillis());
        if (r.ring() == null) {
            throw new ErrnoException("io_uring_setup", null, r.errno());
        }
        IoUring ring = new IoUring(r.ring(), config);
        if (config.cpu() >= 0) {
            try {
                ring.pinIoWorkers(config.cpu());
            } catch (ErrnoException e) {
                ring.close();
                throw e;
            }
        }
        return ring;
    }

    /** Runs this ring's io-wq workers (the threads of operations that block) on {@code cpu} only. */
    public void pinIoWorkers(int cpu) throws ErrnoException {
        ensureOpen();
        try (Arena arena = Arena.ofConfined()) {
            int ret = calls.register(mapped.fd(), IORING_REGISTER_IOWQ_AFF, CpuAffinity.maskOf(arena, cpu).address(),
                    CpuAffinity.MASK_BYTES);
            if (ret < 0) {
                throw new ErrnoException("io_uring_register(IORING_REGISTER_IOWQ_AFF, cpu " + cpu + ")", null, ret);
            }
        }
    }

    /**
     * Clears the io-wq CPU mask set by {@link #pinIoWorkers}: workers the kernel creates from now on
     * may run on any CPU the submitting task may use. Workers already running keep their mask (see
     * {@link CpuAffinity#ioWorkersOf}).
     */
    public void unpinIoWorkers() throws ErrnoException {
        ensureOpen();
        int ret = calls.register(mapped.fd(), IORING_UNREGISTER_IOWQ_AFF, 0, 0);
        if (ret < 0) {
            throw new ErrnoException("io_uring_register(IORING_UNREGISTER_IOWQ_AFF)", null, ret);
        }
    }

    public static IoUring open() throws ErrnoException {
        return open(IoUringConfig.defaults());
    }

    private int registerRingFd() {
        MemorySegment update = memory.allocate(RegisterDescriptor.RSRC_UPDATE_SIZE, 8);
        update.set(ValueLayout.JAVA_INT, RegisterDescriptor.RSRC_UPDATE_OFFSET, -1);
        update.set(ValueLayout.JAVA_LONG, RegisterDescriptor.RSRC_UPDATE_DATA, mapped.fd());
        int ret = calls.register(mapped.fd(), IORING_REGISTER_RING_FDS, update.address(), 1);
        return ret == 1 ? update.get(ValueLayout.JAVA_INT, RegisterDescriptor.RSRC_UPDATE_OFFSET) : -1;
    }

    /**
     * The next free submission entry, cleared to a NOP carrying a fresh user data, or {@code null}
     * when the SQ is full (submit first) or {@link #maxInFlight()} operations are in flight (reap first).
     */
    public Sqe getSqe() {
        ensureOpen();
        long userData = slots.acquire();
        if (userData < 0) {
            return null;
        }
        long at = sq.next();
        if (at < 0) {
            slots.release((int) userData);
            return null;
        }
        sqe.bind(sqes, at, (int) userData, userData);
        return sqe;
    }

    /** Submits what was prepared; the count the kernel took, or {@code -errno}. */
    public int submit() {
        return enter(0, 0);
    }

    /** Submits and waits until at least {@code waitNr} completions are ready; the count submitted, or {@code -errno}. */
    public int submitAndWait(int waitNr) {
        return enter(waitNr, waitNr > 0 ? IORING_ENTER_GETEVENTS : 0);
    }

    private int enter(int waitNr, int flags) {
        ensureOpen();
        int toSubmit = sq.flush();
        flags |= enterFlags;
        if (sqPoll) {
            if ((sq.flags() & IORING_SQ_NEED_WAKEUP) != 0) {
                flags |= IORING_ENTER_SQ_WAKEUP;
            } else if ((flags & IORING_ENTER_GETEVENTS) == 0) {
                return toSubmit;
            }
        } else if (toSubmit == 0 && (flags & IORING_ENTER_GETEVENTS) == 0) {
            return 0;
        }
        return calls.enter(enterFd, toSubmit, waitNr, flags, 0, 0);
    }

    /**
     * Submits, then waits up to {@code timeoutNanos} for {@code minComplete} completions.
     * Returns the count submitted, {@code -ETIME} on timeout, or another {@code -errno}.
     */
    public int submitAndWait(int minComplete, long timeoutNanos) {
        ensureOpen();
        if ((mapped.features() & IORING_FEAT_EXT_ARG) == 0) {
            return submitAndWait(minComplete);
        }
        int toSubmit = sq.flush();
        timespec.set(ValueLayout.JAVA_LONG, EnterArgDescriptor.TV_SEC, timeoutNanos / 1_000_000_000L);
        timespec.set(ValueLayout.JAVA_LONG, EnterArgDescriptor.TV_NSEC, timeoutNanos % 1_000_000_000L);
        int flags = enterFlags | IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG;
        if (sqPoll && (sq.flags() & IORING_SQ_NEED_WAKEUP) != 0) {
            flags |= IORING_ENTER_SQ_WAKEUP;
        }
        return calls.enter(enterFd, toSubmit, minComplete, flags, waitArg.address(), EnterArgDescriptor.SIZE);
    }

    /**
     * Hands every ready completion to {@code handler}, flushing completions the kernel holds back
     * (CQ overflow, deferred task work) so none is left behind. Returns how many were handled.
     * Not re-entrant: a handler must not call {@code reap}.
     */
    public int reap(CompletionHandler handler) {
        ensureOpen();
        if (reaping) {
            throw new IllegalStateException("reap called from inside a completion handler");
        }
        reaping = true;
        try {
            int total = 0;
            while (true) {
                total += drain(handler);
                if ((sq.flags() & (IORING_SQ_CQ_OVERFLOW | IORING_SQ_TASKRUN)) == 0) {
                    return total;
                }
                int ret = calls.enter(enterFd, 0, 0, enterFlags | IORING_ENTER_GETEVENTS, 0, 0);
                if (cq.ready() == 0 || ret < 0 && ret != -Errno.EINTR && ret != -Errno.EAGAIN) {
                    return total;
                }
            }
        } finally {
            reaping = false;
        }
    }

    private int drain(CompletionHandler handler) {
        int head = cq.head();
        int tail = cq.tail();
        if (head == tail) {
            return 0;
        }
        int handled = tail - head;
        try {
            while (head != tail) {
                long at = cq.offset(head);
                long userData = cq.userData(at);
                int res = cq.res(at);
                int flags = cq.flags(at);
                head++;
                complete(userData, res, flags, handler);
            }
        } finally {
            cq.advance(head);
        }
        return handled;
    }

    private void complete(long userData, int res, int flags, CompletionHandler handler) {
        if (userData == INTERNAL_USER_DATA) {
            return;
        }
        if (userData < 0) {
            // A message another ring posted (IORING_OP_MSG_RING): it owns no slot here.
            handler.onCompletion(userData, res, flags);
            return;
        }
        int slot = slots.slotOf(userData);
        if (slot < 0) {
            strayCompletions++;
            return;
        }
        try {
            handler.onCompletion(userData, res, flags);
        } finally {
            if ((flags & IORING_CQE_F_MORE) == 0) {
                slots.release(slot);
            }
        }
    }

    /** The object attached to an in-flight operation, or {@code null}. */
    public Object attachment(long userData) {
        int slot = slots.slotOf(userData);
        return slot < 0 ? null : slots.attachment(slot);
    }

    /**
     * The attachments of operations whose completion was never reaped: after {@link #close}, those
     * the kernel did not give back within the drain (their memory is kept, never freed).
     */
    public List<Object> unreapedAttachments() {
        return slots.attachmentsInUse();
    }

    /** The slot index of a user data value, in {@code [0, maxInFlight())}: for indexing caller-side arrays. */
    public static int slotIndex(long userData) {
        return (int) userData;
    }

    /** Operations submitted or prepared whose completion has not been reaped yet. */
    public int inFlight() {
        return slots.inUse();
    }

    public int maxInFlight() {
        return slots.capacity();
    }

    public int sqSpaceLeft() {
        return sq.spaceLeft();
    }

    public int sqEntries() {
        return sq.entries();
    }

    public int cqEntries() {
        return cq.entries();
    }

    /** The setup flags the kernel accepted. */
    public int setupFlags() {
        return mapped.setupFlags();
    }

    public int features() {
        return mapped.features();
    }

    /** Whether each enter goes through a registered ring fd. */
    public boolean ringFdRegistered() {
        return (enterFlags & IORING_ENTER_REGISTERED_RING) != 0;
    }

    /** Completions whose user data this ring never issued (a bug if ever non-zero). */
    public long strayCompletions() {
        return strayCompletions;
    }

    /**
     * Locks a ring made by {@link #openDisabled} to what {@code restrictions} allow, before
     * {@link #enable()}; once enabled, a disallowed opcode completes with {@code -EACCES} and a
     * disallowed register operation fails with {@code EACCES}. Only once per ring.
     */
    public void registerRestrictions(IoUringRestrictions restrictions) throws ErrnoException {
        ensureOpen();
        MemorySegment array = restrictions.encode(memory);
        int ret = calls.register(mapped.fd(), IORING_REGISTER_RESTRICTIONS, array.address(), restrictions.count());
        if (ret < 0) {
            throw new ErrnoException("io_uring_register(IORING_REGISTER_RESTRICTIONS)", null, ret);
        }
    }

    /** Enables a ring made by {@link #openDisabled} (IORING_REGISTER_ENABLE_RINGS). */
    public void enable() throws ErrnoException {
        ensureOpen();
        int ret = calls.register(mapped.fd(), IORING_REGISTER_ENABLE_RINGS, 0, 0);
        if (ret < 0) {
            throw new ErrnoException("io_uring_register(IORING_REGISTER_ENABLE_RINGS)", null, ret);
        }
    }

    /** Registers files; afterwards IOSQE_FIXED_FILE entries name them by index. */
    public void registerFiles(int... fds) throws ErrnoException {
        ensureOpen();
        MemorySegment array = memory.allocate(ValueLayout.JAVA_INT, Math.max(1, fds.length));
        MemorySegment.copy(fds, 0, array, ValueLayout.JAVA_INT, 0, fds.length);
        int ret = calls.register(mapped.fd(), IORING_REGISTER_FILES, array.address(), fds.length);
        if (ret < 0) {
            throw new ErrnoException("io_uring_register(IORING_REGISTER_FILES)", null, ret);
        }
        registeredFiles = fds.length;
    }

    public void unregisterFiles() throws ErrnoException {
        ensureOpen();
        if (inFlight() > 0) {
            throw new IllegalStateException("operations in flight may use the registered files");
        }
        int ret = calls.register(mapped.fd(), IORING_UNREGISTER_FILES, 0, 0);
        if (ret < 0) {
            throw new ErrnoException("io_uring_register(IORING_UNREGISTER_FILES)", null, ret);
        }
        registeredFiles = 0;
    }

    int registeredFileCount() {
        return registeredFiles;
    }

    /**
     * Allocates {@code count} page-aligned buffers of {@code size} bytes owned by this ring and
     * registers them for fixed reads and writes. One set per ring.
     */
    public FixedBuffers registerBuffers(int count, long size) throws ErrnoException {
        ensureOpen();
        if (fixedBuffers != null) {
            throw new IllegalStateException("this ring already has registered buffers");
        }
        if (count < 1 || size < 1 || size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("need count >= 1 and size in 1..2^31-1");
        }
        MemorySegment[] buffers = new MemorySegment[count];
        MemorySegment iovecs = memory.allocate((long) RegisterDescriptor.IOVEC_SIZE * count, 8);
        for (int i = 0; i < count; i++) {
            buffers[i] = memory.allocate(size, 4096);
            iovecs.set(ValueLayout.JAVA_LONG, (long) RegisterDescriptor.IOVEC_SIZE * i, buffers[i].address());
            iovecs.set(ValueLayout.JAVA_LONG, (long) RegisterDescriptor.IOVEC_SIZE * i + 8, size);
        }
        int ret = calls.register(mapped.fd(), IORING_REGISTER_BUFFERS, iovecs.address(), count);
        if (ret < 0) {
            throw new ErrnoException("io_uring_register(IORING_REGISTER_BUFFERS)", null, ret);
        }
        fixedBuffers = new FixedBuffers(buffers);
        return fixedBuffers;
    }

    /**
     * Registers a ring of {@code count} (a power of two) provided buffers of {@code bufferSize}
     * bytes as buffer group {@code groupId}, all handed to the kernel, for receives that let the
     * kernel pick their buffer ({@link Sqe#prepRecvSelect}, {@link Sqe#prepRecvMultishot}).
     */
    public BufferRing registerBufferRing(int groupId, int count, int bufferSize) throws ErrnoException {
        ensureOpen();
        BufferRing.checkShape(groupId, count, bufferSize);
        BufferRing buffers = new BufferRing(slots, groupId, count, bufferSize);
        MemorySegment reg = memory.allocate(BufRingDescriptor.REG_SIZE, 8);
        reg.set(ValueLayout.JAVA_LONG, BufRingDescriptor.REG_RING_ADDR, buffers.entries().address());
        reg.set(ValueLayout.JAVA_INT, BufRingDescriptor.REG_RING_ENTRIES, count);
        reg.set(ValueLayout.JAVA_SHORT, BufRingDescriptor.REG_BGID, (short) groupId);
        int ret = calls.register(mapped.fd(), IORING_REGISTER_PBUF_RING, reg.address(), 1);
        if (ret < 0) {
            throw new ErrnoException("io_uring_register(IORING_REGISTER_PBUF_RING)", null, ret);
        }
        buffers.fill();
        bufferRings.add(buffers);
        return buffers;
    }

    /**
     * Unregisters a buffer ring: receives still in flight that would select from it fail with
     * ENOBUFS; its memory stays reachable until they have completed.
     */
    public void unregisterBufferRing(BufferRing buffers) throws ErrnoException {
        ensureOpen();
        if (buffers.owner() != slots || !buffers.isRegistered()) {
            throw new IllegalArgumentException("buffer ring " + buffers.groupId() + " is not registered with this ring");
        }
        MemorySegment reg = memory.allocate(BufRingDescriptor.REG_SIZE, 8);
        reg.set(ValueLayout.JAVA_SHORT, BufRingDescriptor.REG_BGID, (short) buffers.groupId());
        int ret = calls.register(mapped.fd(), IORING_UNREGISTER_PBUF_RING, reg.address(), 1);
        if (ret < 0) {
            throw new ErrnoException("io_uring_register(IORING_UNREGISTER_PBUF_RING)", null, ret);
        }
        buffers.unregistered();
        bufferRings.remove(buffers);
    }

    /** The ring's file descriptor: the target of another ring's {@link Sqe#prepMsgRing}. */
    public int fd() {
        return mapped.fd();
    }

    FixedBuffers checkFixed(FixedBuffers buffers) {
        if (buffers == null || buffers != fixedBuffers) {
            throw new IllegalArgumentException("these buffers are not registered with this ring");
        }
        return buffers;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("ring is closed");
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /** Closes, handing the completions of cancelled in-flight operations to nothing. */
    @Override
    public void close() {
        close((userData, res, flags) -> { });
    }

    /**
     * Cancels everything in flight, hands each completion (usually {@code -ECANCELED}) to
     * {@code handler}, then unmaps the rings and closes the fd. Memory the kernel might still
     * write into is never freed: if the kernel does not give operations back within 10 s,
     * their buffers are kept for the life of the process.
     */
    public void close(CompletionHandler handler) {
        if (closed) {
            return;
        }
        if (sq.unpublished() > 0 || inFlight() > 0) {
            drainForClose(handler);
        }
        closed = true;
        unregisterRingFd();
        cleanable.clean();
    }

    /**
     * A registered ring fd holds the ring in the registering thread's table until unregistered
     * (or the thread exits): without this, each ring opened and closed on a long-lived thread
     * stayed alive in the kernel, and after 16 no new ring could register its fd.
     */
    private void unregisterRingFd() {
        if ((enterFlags & IORING_ENTER_REGISTERED_RING) == 0) {
            return;
        }
        MemorySegment update = memory.allocate(RegisterDescriptor.RSRC_UPDATE_SIZE, 8);
        update.set(ValueLayout.JAVA_INT, RegisterDescriptor.RSRC_UPDATE_OFFSET, enterFd);
        // Only the registering thread can; from another the call fails and the thread's exit releases it.
        calls.register(mapped.fd(), IORING_UNREGISTER_RING_FDS, update.address(), 1);
    }

    private void drainForClose(CompletionHandler handler) {
        // Unpublished entries are submitted too (as prepared, or as NOPs): each completes once.
        Sqe cancel = sq.spaceLeft() > 0 ? getSqeForInternal() : null;
        if (cancel != null) {
            cancel.prepCancel(0, IORING_ASYNC_CANCEL_ANY);
        }
        long deadline = System.nanoTime()
                + Long.getLong(CLOSE_DRAIN_PROP_NAME, CLOSE_DRAIN_MILLIS_DEFAULT) * 1_000_000L;
        while (inFlight() > 0 && System.nanoTime() < deadline) {
            submitAndWait(1, 100_000_000L);
            reap(handler);
            if (cancel == null && sq.spaceLeft() > 0 && inFlight() > 0) {
                cancel = getSqeForInternal();
                cancel.prepCancel(0, IORING_ASYNC_CANCEL_ANY);
            }
        }
    }

    /** An SQE outside the slot table, for the ring's own cancel request. */
    private Sqe getSqeForInternal() {
        long at = sq.next();
        Sqe internal = new Sqe(this, slots);
        internal.bind(sqes, at, 0, INTERNAL_USER_DATA);
        return internal;
    }
}
