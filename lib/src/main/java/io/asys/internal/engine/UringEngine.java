package io.asys.internal.engine;

import io.asys.Errno;
import io.asys.ErrnoException;
import io.asys.internal.linux.LibC;
import io.asys.uring.CompletionHandler;
import io.asys.uring.IoUring;
import io.asys.uring.IoUringConfig;
import io.asys.uring.Sqe;
import io.asys.uring.Timespec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

import static io.asys.uring.IoUringAbi.IORING_CQE_F_BUFFER;
import static io.asys.uring.IoUringAbi.IORING_CQE_F_MORE;
import static io.asys.uring.IoUringAbi.IORING_CQE_F_NOTIF;
import static io.asys.uring.IoUringAbi.IOSQE_IO_LINK;

/**
 * The io_uring engine: one ring owned by one platform thread (an agent), fed by a lock-free
 * multi-producer queue. Any thread may {@link #submit}; it never blocks: the request is queued
 * and, if the engine thread sleeps in {@code io_uring_enter}, an eventfd read that is always
 * armed in the ring wakes it. Completions complete futures on the engine thread.
 */
public final class UringEngine implements CompletionHandler, Engine {
    /** Registered-file slots reserved for direct descriptors (chains). */
    public static final int DIRECT_SLOTS = 64;
    /** The user data other rings post messages with (MSG_RING): top bit set, so it names no slot. */
    public static final long MESSAGE_USER_DATA = Long.MIN_VALUE | 0x6D7367L;
    private static final Object LINK_TIMEOUT = new Object();
    private static final Object WAKEUP = new Object();
    /** Scratch memory of requests the kernel never gave back at close: kept for the process's life. */
    private static final java.util.List<Object> LEAKED_SCRATCH = new java.util.ArrayList<>();
    private static final MemorySegment ONE = Arena.global().allocate(ValueLayout.JAVA_LONG);

    static {
        ONE.set(ValueLayout.JAVA_LONG, 0, 1L);
    }

    private final ConcurrentLinkedQueue<Object> inbox = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Request<?>> backlog = new ArrayDeque<>();
    /** Cancels that found no free entry (the ring was full): retried on the next turn, never dropped. */
    private final ArrayDeque<Object> deferred = new ArrayDeque<>();
    /** Requests whose -ECANCELED waits for their link timeout's CQE (see onCompletion). */
    private final java.util.Set<Request<?>> held = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    /** Multishot receives waiting for a provided buffer to come back (not in the ring). Engine thread only. */
    private final java.util.Set<Request<?>> parked = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private int nextBufferGroup;
    /** Turns of the agent loop, for the PATH attribute; and whether this turn's SQEs include attributed ones. */
    private long turn;
    private boolean attributedThisTurn;
    private boolean reapingAtOnce;
    private AttributeProbes probes;
    private volatile java.util.function.IntConsumer messages;
    private final IoUringConfig config;
    private final Thread thread;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final MemorySegment wakeBuffer = Arena.ofAuto().allocate(8, 8);
    private volatile boolean sleeping;
    private volatile boolean closing;
    /** Signals of the eventfd in progress, and whether shutdown closed it (see {@link #signal}). */
    private final java.util.concurrent.atomic.AtomicInteger signalling = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean eventFdClosed;
    private volatile int eventFd = -1;
    private IoUring ring;
    /** Per-slot native memory for paths and statx results (engine thread only). */
    private NativeScratch[] scratch;
    private boolean wakeArmed;

    /** Control messages that travel through the inbox with requests. */
    private record Cancel(Request<?> target) {
    }

    private record CancelFd(int fd) {
    }

    /** Work that must run on the engine thread (io_uring_register on a single-issuer ring). */
    private record Task(Runnable work, Runnable refuse) {
    }

    /** A multishot operation the kernel ended (overflow, or no buffers) to submit again. */
    private record Rearm(Request<?> request) {
    }

    /** Attached to a request's link timeout, whose CQE tells whether the timeout cancelled it. */
    private record LinkTimeout(Request<?> target) {
    }

    public UringEngine(IoUringConfig config, String name) throws ErrnoException {
        this.config = config;
        this.thread = Thread.ofPlatform().daemon().name(name).start(this::run);
        try {
            started.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof ErrnoException errno) {
                throw errno;
            }
            throw e;
        }
    }

    /** Whether operations with this opcode run on the ring (else they go to a worker engine). */
    public static boolean runs(int opcode) {
        return UringPrep.runs(opcode);
    }

    /** The opcodes of the operation set this kernel's io_uring lacks, by name. */
    public static java.util.List<String> missingOpcodes() {
        return UringPrep.missingOpcodes();
    }

    /** Null if this kernel's io_uring can run {@code op}, else why not (the opcode it lacks). */
    public static String unsupported(io.asys.Op<?> op) {
        return UringPrep.unsupported(op);
    }

    /** The native scratch memory of ring slot {@code slot}, made on first use. */
    private NativeScratch scratch(int slot) {
        NativeScratch n = scratch[slot];
        if (n == null) {
            n = new NativeScratch();
            scratch[slot] = n;
        }
        return n;
    }

    @Override
    public String name() {
        return "uring";
    }

    /** Queues a request (or a chain starting with it). Never blocks. */
    @Override
    public void submit(Request<?> request) {
        if (closing) {
            Completions.reject(request);
            return;
        }
        inbox.offer(request);
        wake();
        // Close may have drained the inbox for the last time between our check and our offer.
        if (closing && inbox.remove(request)) {
            Completions.reject(request);
        }
    }

    /** Asks the kernel to cancel a request; it still completes exactly once (ECANCELED or its result). */
    @Override
    public void cancel(Request<?> request) {
        request.cancelRequested = true;
        inbox.offer(new Cancel(request));
        wake();
    }

    /** Cancels every request in flight on {@code fd}. */
    @Override
    public void cancelFd(int fd) {
        inbox.offer(new CancelFd(fd));
        wake();
    }

    private void wake() {
        if (sleeping) {
            signal();
        }
    }

    /**
     * Writes the eventfd unless shutdown closed it: a submitter that saw {@code sleeping} just
     * before the engine shut down must not write 8 bytes into whatever file reused the number.
     */
    private void signal() {
        signalling.incrementAndGet();
        try {
            if (!eventFdClosed) {
                LibC.signalEventfd(eventFd, ONE);
            }
        } finally {
            signalling.decrementAndGet();
        }
    }

    private void run() {
        try {
            if (config.cpu() >= 0) {
                io.asys.uring.CpuAffinity.pinCurrentThread(config.cpu());
            }
            ring = IoUring.open(config);
            scratch = new NativeScratch[ring.maxInFlight()];
            int[] sparse = new int[DIRECT_SLOTS];
            java.util.Arrays.fill(sparse, -1);
            ring.registerFiles(sparse);
            eventFd = new LibC().eventfd(0, 02000000);
            if (eventFd < 0) {
                throw new ErrnoException("eventfd", null, eventFd);
            }
        } catch (ErrnoException | RuntimeException e) {
            started.completeExceptionally(e);
            return;
        }
        started.complete(null);
        try {
            while (!closing) {
                doWork();
            }
        } catch (Throwable t) {
            // The agent must never die silently, leaving futures pending: it stops as if closed.
            System.getLogger("io.asys").log(System.Logger.Level.ERROR, "asys io_uring engine stopped", t);
        } finally {
            closing = true;
            shutdown();
        }
    }

    /** One turn of the agent: move queued requests into the ring, submit, wait, reap. */
    private int doWork() {
        turn++;
        int work = drainInbox();
        work += prepBacklog();
        if (attributedThisTurn) {
            // Submit and reap at once: what completes now never blocked (the PATH attribute).
            attributedThisTurn = false;
            ring.submit();
            reapingAtOnce = true;
            try {
                work += ring.reap(this);
            } finally {
                reapingAtOnce = false;
            }
        }
        armWakeup();
        sleeping = true;
        // Re-check after publishing "sleeping": a submitter that missed the flag left its request here.
        if (!inbox.isEmpty() || closing) {
            sleeping = false;
            ring.submit();
        } else {
            ring.submitAndWait(1);
            sleeping = false;
        }
        return work + ring.reap(this);
    }

    private int drainInbox() {
        int n = 0;
        for (int retries = deferred.size(); retries > 0; retries--) {
            handle(deferred.poll());
        }
        Object o;
        while ((o = inbox.poll()) != null) {
            n++;
            handle(o);
        }
        return n;
    }

    private void handle(Object o) {
        switch (o) {
            case Request<?> r -> backlog.add(r);
            case Cancel c -> cancelNow(c);
            case CancelFd c -> cancelFdNow(c);
            case Task t -> t.work().run();
            case Rearm r -> rearmNow(r.request());
            default -> throw new IllegalStateException("unknown inbox message " + o);
        }
    }

    private void cancelNow(Cancel c) {
        Request<?> target = c.target();
        if (target.done) {
            return;
        }
        if (parked.remove(target)) {
            Multishots.finish(target, -Errno.ECANCELED);
            return;
        }
        if (target.userData < 0) {
            // Not in the ring yet: a chain head in the backlog goes at once; any other step is
            // failed when it is prepared (it has cancelRequested set).
            if (backlog.remove(target)) {
                for (Request<?> r = target; r != null; r = r.next) {
                    Completions.complete(r, -Errno.ECANCELED);
                }
            }
            return;
        }
        Sqe sqe = reserve();
        if (sqe != null) {
            sqe.prepCancel(target.userData, 0).attach(LINK_TIMEOUT);
        } else {
            deferred.add(c);
        }
    }

    private void cancelFdNow(CancelFd c) {
        // Requests on the fd still waiting for room in the ring are cancelled too.
        for (Request<?> head : backlog) {
            for (Request<?> r = head; r != null; r = r.next) {
                if (r.op.handle() != null && r.op.handle().fd() == c.fd()) {
                    r.cancelRequested = true;
                }
            }
        }
        Sqe sqe = reserve();
        if (sqe != null) {
            sqe.prepCancelFd(c.fd()).attach(LINK_TIMEOUT);
        } else {
            deferred.add(c);
        }
    }

    /** An SQE for the engine's own use, submitting first if the SQ is full. */
    private Sqe reserve() {
        Sqe sqe = ring.getSqe();
        if (sqe == null) {
            ring.submit();
            sqe = ring.getSqe();
        }
        return sqe;
    }

    private int prepBacklog() {
        int n = 0;
        while (!backlog.isEmpty()) {
            Request<?> head = backlog.peek();
            if (head.cancelRequested) {
                // Cancelled before it reached the ring: it needs no room there.
                backlog.poll();
                for (Request<?> r = head; r != null; r = r.next) {
                    finish(r, -Errno.ECANCELED);
                }
                n++;
                continue;
            }
            int needed = head.entries();
            if (ring.maxInFlight() - ring.inFlight() < needed + 2) {
                break;
            }
            if (ring.sqSpaceLeft() < needed) {
                ring.submit();
                if (ring.sqSpaceLeft() < needed) {
                    break;
                }
            }
            backlog.poll();
            prepChain(head);
            n++;
        }
        return n;
    }

    private void prepChain(Request<?> head) {
        for (Request<?> r = head; r != null; r = r.next) {
            String why = UringPrep.unsupported(r.op);
            if (why != null) {
                failChain(r, why);
                return;
            }
        }
        for (Request<?> r = head; r != null; r = r.next) {
            try {
                OpChecks.check(r.op);
            } catch (RuntimeException e) {
                // Refused before any step runs, as on the worker engine: the bad step fails with
                // the check's exception, every other step with ECANCELED.
                for (Request<?> c = head; c != null; c = c.next) {
                    if (c == r) {
                        c.done = true;
                        c.future.completeExceptionally(e);
                        if (c.onDone != null) {
                            c.onDone.run();
                        }
                    } else {
                        Completions.complete(c, -Errno.ECANCELED);
                    }
                }
                return;
            }
        }
        splitAtSilentFailures(head);
        boolean failed = false;
        for (Request<?> r = head; r != null; r = r.next) {
            Sqe sqe = ring.getSqe();
            r.userData = sqe.userData();
            sqe.attach(failed ? LINK_TIMEOUT : r);
            if (failed) {
                // An earlier step could not be prepared: this one never runs, and says so.
                finish(r, -Errno.ECANCELED);
            } else if (r.cancelRequested) {
                // Cancelled before it reached the ring: its entry stays a NOP; it and the rest fail.
                failed = true;
                sqe.attach(LINK_TIMEOUT);
                finish(r, -Errno.ECANCELED);
            } else {
                if (r.attrMask != 0) {
                    attributesAtSubmit(r);
                }
                try {
                    UringPrep.prep(sqe, r.op, scratch(IoUring.slotIndex(sqe.userData())), this);
                } catch (RuntimeException e) {
                    // The entry stays a NOP and completes unseen; the request fails here, exactly once.
                    failed = true;
                    sqe.attach(LINK_TIMEOUT);
                    r.done = true;
                    r.future.completeExceptionally(e);
                    if (r.onDone != null) {
                        r.onDone.run();
                    }
                    if (r.rest != null) {
                        cancelRest(r);
                    }
                }
            }
            int link = r.next != null ? (r.linkFlags != 0 ? r.linkFlags : IOSQE_IO_LINK) : 0;
            if (r.timeout != null && !failed) {
                sqe.addFlags(IOSQE_IO_LINK);
                Sqe timeout = ring.getSqe();
                timeout.prepLinkTimeout(Timespec.of(r.timeout), 0).attach(new LinkTimeout(r));
                r.linkTimeoutPending = true;
                if (link != 0) {
                    timeout.addFlags(link);
                }
            } else if (link != 0 && !failed) {
                sqe.addFlags(link);
            }
        }
    }

    /** QUEUE_TIME ends now (its SQE goes to the kernel this turn); CACHE from cachestat; CPU is the kernel's. */
    private void attributesAtSubmit(Request<?> r) {
        r.measured.takenNanos = System.nanoTime();
        r.measured.submitTurn = turn;
        attributedThisTurn = true;
        if (r.wants(io.asys.Attribute.CACHE)) {
            if (probes == null) {
                probes = new AttributeProbes();
            }
            probes.cacheByCachestat(r);
        }
        r.measured.cpuUnsupported = "io_uring runs it inside the kernel; no thread's CPU time is the operation's alone";
    }

    private static void finish(Request<?> r, int res) {
        Completions.complete(r, res);
        if (r.rest != null) {
            cancelRest(r);
        }
    }

    /**
     * The kernel (6.18) does not break a link when these opcodes fail: the next step would run.
     * The chain is cut after such a step; the rest is submitted from its completion, if it succeeded.
     */
    private static boolean failsSilently(io.asys.Op<?> op) {
        return op instanceof io.asys.Op.MkdirAt || op instanceof io.asys.Op.UnlinkAt || op instanceof io.asys.Op.RenameAt
                || op instanceof io.asys.Op.SymlinkAt || op instanceof io.asys.Op.LinkAt || op instanceof io.asys.Op.Statx
                || op instanceof io.asys.Op.Fsync || op instanceof io.asys.Op.Ftruncate || op instanceof io.asys.Op.Fallocate
                || op instanceof io.asys.Op.Fadvise || op instanceof io.asys.Op.SyncFileRange
                || op instanceof io.asys.Op.GetXattr || op instanceof io.asys.Op.SetXattr
                || op instanceof io.asys.Op.FGetXattr || op instanceof io.asys.Op.FSetXattr;
    }

    private static void splitAtSilentFailures(Request<?> head) {
        for (Request<?> r = head; r != null; r = r.next) {
            boolean silent = r.linkFlags != io.asys.uring.IoUringAbi.IOSQE_IO_HARDLINK && failsSilently(r.op);
            // A step the kernel refuses while preparing would fail the whole submitted chain: it goes alone.
            boolean alone = r.next != null && (Links.refusedWhilePrepared(r.op) || Links.refusedWhilePrepared(r.next.op));
            if (r.next != null && r.timeout == null && (silent || alone)) {
                r.rest = r.next;
                r.next = null;
                return;
            }
        }
    }

    /** After a cut step completed: the rest of its chain runs as a link would let it, else is cancelled. */
    private void continueChain(Request<?> r, int res) {
        Request<?> rest = r.rest;
        r.rest = null;
        // A step cancelled because the chain broke before it cancels the rest, hard link or not,
        // as the kernel's io_fail_links does (and the worker engine).
        if (res != -Errno.ECANCELED && !Links.breaks(r, res) && !closing) {
            backlog.addFirst(rest);
        } else {
            for (Request<?> c = rest; c != null; c = c.next) {
                finish(c, -Errno.ECANCELED);
            }
        }
    }

    private static void cancelRest(Request<?> r) {
        Request<?> rest = r.rest;
        r.rest = null;
        for (Request<?> c = rest; c != null; c = c.next) {
            finish(c, -Errno.ECANCELED);
        }
    }

    private void failChain(Request<?> from, String why) {
        for (Request<?> r = from; r != null; r = r.next) {
            r.done = true;
            r.future.completeExceptionally(new UnsupportedOperationException(why));
            if (r.onDone != null) {
                r.onDone.run();
            }
        }
    }

    private void armWakeup() {
        if (!wakeArmed) {
            Sqe sqe = ring.getSqe();
            if (sqe == null) {
                ring.submit();
                sqe = ring.getSqe();
            }
            if (sqe != null) {
                sqe.prepRead(eventFd, wakeBuffer, 0).attach(WAKEUP);
                wakeArmed = true;
            }
        }
    }

    @Override
    public void onCompletion(long userData, int res, int flags) {
        if (userData == MESSAGE_USER_DATA) {
            deliver(messages, res);
            return;
        }
        Object a = ring.attachment(userData);
        if (a == WAKEUP) {
            wakeArmed = false;
        } else if (a instanceof Request<?> r) {
            if (r.attrMask != 0 && r.measured.path < 0) {
                r.measured.path = (reapingAtOnce && r.measured.submitTurn == turn ? io.asys.ExecutionPath.URING_NONBLOCKING
                        : io.asys.ExecutionPath.URING_ASYNC).ordinal();
            }
            if (r.op instanceof io.asys.Op.Multishot<?> m) {
                multishot(r, m, res, flags);
                return;
            }
            if (r.op instanceof io.asys.Op.SendZc) {
                if ((flags & IORING_CQE_F_MORE) != 0) {
                    // The result; the buffer is the kernel's until the notification that follows.
                    r.sendResult = res;
                    return;
                }
                if ((flags & IORING_CQE_F_NOTIF) != 0) {
                    res = r.sendResult;
                }
            }
            if (res >= 0 && r.op instanceof io.asys.Op.RecvSelect s) {
                r.value = s.selected(res, (flags & IORING_CQE_F_BUFFER) != 0 ? res >= 0 ? flags >>> 16 : -1 : -1);
            }
            if (res < 0 && r.op instanceof io.asys.Op.SetSockOpt o) {
                res = SocketCommands.asSystemCall(o.handle().fd(), res);
            }
            if (res >= 0 && r.op instanceof io.asys.Op.Statx) {
                r.value = io.asys.Statx.decode(scratch(IoUring.slotIndex(userData)).statx());
            }
            if (res == -Errno.ECANCELED && r.linkTimeoutPending) {
                // Cancelled by its timeout, by a broken chain, by a cancel or by close: the
                // timeout's own CQE (always posted) decides which; the two come in either order.
                r.cancelHeld = true;
                held.add(r);
            } else {
                Completions.complete(r, res);
                if (r.rest != null) {
                    continueChain(r, res);
                }
            }
        } else if (a instanceof LinkTimeout t) {
            Request<?> r = t.target();
            r.linkTimeoutPending = false;
            // -ECANCELED: disarmed, the operation completed first. Anything else means it fired:
            // -ETIME when it cancelled the operation, and -ENOENT when the operation was already
            // running on an io-wq worker: the kernel then flags that work cancelled (so it may still
            // end with -ECANCELED, the timeout's doing) but reports the search's last answer, because
            // io_try_cancel goes on from io-wq's -EALREADY to the poll and timeout lists.
            r.timedOut = res != -Errno.ECANCELED;
            if (r.cancelHeld && held.remove(r)) {
                Completions.complete(r, -Errno.ECANCELED);
            }
        }
    }

    /**
     * One completion of a multishot operation: an item while IORING_CQE_F_MORE says more follow;
     * at the end, submitted again if the kernel stopped it for its own reasons (CQ overflow, no
     * provided buffer), else finished with its count or the error.
     */
    private <I> void multishot(Request<?> r, io.asys.Op.Multishot<I> m, int res, int flags) {
        boolean more = (flags & IORING_CQE_F_MORE) != 0;
        boolean recv = m instanceof io.asys.Op.RecvMultishot;
        if (res > 0 || res == 0 && !recv) {
            int bufferId = (flags & IORING_CQE_F_BUFFER) != 0 ? flags >>> 16 : -1;
            boolean going = Multishots.deliver(r, m, res, bufferId);
            if (!going && more) {
                cancelNow(new Cancel(r));
            }
            if (!more) {
                if (going && !r.cancelRequested) {
                    rearmNow(r);
                } else {
                    Multishots.finish(r, -Errno.ECANCELED);
                }
            }
            return;
        }
        if (more) {
            return;
        }
        if (res == -Errno.ENOBUFS && recv && !r.cancelRequested && r.itemFailure == null
                && m instanceof io.asys.Op.RecvMultishot rm && rm.buffers().source() instanceof RingBuffers buffers) {
            r.userData = -1;
            parked.add(r);
            if (buffers.parkOrRearm(r)) {
                return;
            }
            parked.remove(r);
        }
        if (res == -Errno.ENOBUFS && recv && r.cancelRequested) {
            // Out of buffers while its cancel was on the way: asys would have re-armed it, so the
            // cancel is what ended it.
            res = -Errno.ECANCELED;
        }
        Multishots.finish(r, res);
    }

    /** Sets who receives the messages other rings post to this one (on the engine thread). */
    public void onMessage(java.util.function.IntConsumer listener) {
        messages = listener;
    }

    /** The ring's fd: where other rings post messages. */
    public int ringFd() {
        return ring.fd();
    }

    private static void deliver(java.util.function.IntConsumer listener, int value) {
        if (listener == null) {
            return; // nobody listens: dropped, as a signal nobody handles
        }
        try {
            listener.accept(value);
        } catch (RuntimeException e) {
            // A listener's failure must not stop the engine: it is the listener's to report.
            Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), e);
        }
    }

    /** Puts a multishot operation back in the ring (from the engine thread: at once; else through the inbox). */
    void rearm(Request<?> r) {
        if (Thread.currentThread() == thread) {
            rearmNow(r);
        } else {
            inbox.offer(new Rearm(r));
            wake();
        }
    }

    private void rearmNow(Request<?> r) {
        parked.remove(r);
        if (r.done) {
            return;
        }
        if (r.cancelRequested || closing) {
            Multishots.finish(r, -Errno.ECANCELED);
            return;
        }
        r.userData = -1;
        backlog.add(r);
    }

    /** Provided buffers in a buffer ring registered on this engine's ring. */
    public BufferSource provideBuffers(int count, int bufferSize) throws ErrnoException {
        return callOnEngineThread(() -> new RingBuffers(this, ring.registerBufferRing(nextBufferGroup++, count, bufferSize)));
    }

    /** Registers {@code count} ring-owned buffers of {@code size} bytes for fixed reads and writes (once per engine). */
    public io.asys.uring.FixedBuffers registerBuffers(int count, long size) throws ErrnoException {
        return callOnEngineThread(() -> ring.registerBuffers(count, size));
    }

    /** Unregisters a buffer ring (asynchronously; nothing to do once the engine is closed). */
    void unregister(RingBuffers buffers) {
        Runnable work = () -> {
            if (!ring.isClosed() && buffers.ring().isRegistered()) {
                try {
                    ring.unregisterBufferRing(buffers.ring());
                } catch (ErrnoException e) {
                    // The ring refused: its receives keep failing with ENOBUFS; memory stays reachable.
                }
            }
        };
        if (Thread.currentThread() == thread) {
            work.run();
        } else {
            offerTask(new Task(work, () -> { }));
        }
    }

    @Override
    public CompletableFuture<Void> moveTo(int cpu) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable work = () -> {
            try {
                move(cpu);
                done.complete(null);
            } catch (ErrnoException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        };
        if (Thread.currentThread() == thread) {
            work.run();
        } else {
            offerTask(new Task(work, () -> done.completeExceptionally(new IllegalStateException("asys engine is closed"))));
        }
        return done;
    }

    /**
     * On the engine thread: this thread, the mask of the ring's future io-wq workers, and the
     * workers it has now (the kernel does not move those when the mask changes).
     */
    private void move(int cpu) throws ErrnoException {
        int self = io.asys.uring.CpuAffinity.currentThreadId();
        if (cpu == IoUringConfig.CPU_ANY) {
            io.asys.uring.CpuAffinity.unpinThread(0);
            ring.unpinIoWorkers();
        } else {
            io.asys.uring.CpuAffinity.pinThread(0, cpu);
            ring.pinIoWorkers(cpu);
        }
        for (int worker : io.asys.uring.CpuAffinity.ioWorkersOf(self)) {
            try {
                if (cpu == IoUringConfig.CPU_ANY) {
                    io.asys.uring.CpuAffinity.unpinThread(worker);
                } else {
                    io.asys.uring.CpuAffinity.pinThread(worker, cpu);
                }
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ESRCH) {
                    throw e;
                }
                // The worker exited after the scan: nothing to move.
            }
        }
    }

    /**
     * Runs {@code work} on the engine thread (io_uring_register on a single-issuer ring must) and
     * returns its result; fails with IllegalStateException once the engine is closed.
     */
    private <T> T callOnEngineThread(java.util.concurrent.Callable<T> work) throws ErrnoException {
        CompletableFuture<T> done = new CompletableFuture<>();
        Runnable run = () -> {
            try {
                done.complete(work.call());
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        };
        if (Thread.currentThread() == thread) {
            run.run();
        } else {
            offerTask(new Task(run, () -> done.completeExceptionally(new IllegalStateException("asys engine is closed"))));
        }
        try {
            return done.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof ErrnoException errno) {
                throw errno;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    /** Queues a task for the engine thread; once the engine is closing it is refused, never run elsewhere. */
    private void offerTask(Task task) {
        if (closing) {
            task.refuse().run();
            return;
        }
        inbox.offer(task);
        wake();
        if (closing && inbox.remove(task)) {
            task.refuse().run();
        }
    }

    /** Stops the engine: every queued and in-flight request completes (cancelled) before this returns. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        signal();
        if (Thread.currentThread() == thread) {
            // Called from a completion callback: the engine finishes its shutdown when the callback returns.
            return;
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void shutdown() {
        drainInbox();
        for (Request<?> r; (r = backlog.poll()) != null; ) {
            for (Request<?> c = r; c != null; c = c.next) {
                Completions.complete(c, -Errno.ECANCELED);
            }
        }
        ring.close(this);
        if (ring.inFlight() > 0) {
            // The kernel kept operations past the drain: their scratch memory must outlive them,
            // and their futures still complete (exactly once), saying so.
            synchronized (LEAKED_SCRATCH) {
                LEAKED_SCRATCH.add(scratch);
            }
            for (Object a : ring.unreapedAttachments()) {
                if (a instanceof Request<?> r) {
                    abandon(r);
                } else if (a instanceof LinkTimeout t && t.target().cancelHeld) {
                    held.remove(t.target());
                    abandon(t.target());
                }
            }
        }
        for (Request<?> r : parked) {
            Multishots.finish(r, -Errno.ECANCELED);
        }
        parked.clear();
        // A held cancel whose link timeout the kernel never gave back: it was not a timeout.
        for (Request<?> r : held) {
            Completions.complete(r, -Errno.ECANCELED);
        }
        held.clear();
        eventFdClosed = true;
        while (signalling.get() != 0) {
            Thread.onSpinWait();
        }
        new LibC().close(eventFd);
        // Requests that raced with close: nothing takes them any more.
        Object o;
        while ((o = inbox.poll()) != null) {
            switch (o) {
                case Request<?> r -> {
                    for (Request<?> c = r; c != null; c = c.next) {
                        Completions.complete(c, -Errno.ECANCELED);
                    }
                }
                case Rearm r -> Multishots.finish(r.request(), -Errno.ECANCELED);
                case Task t -> t.refuse().run(); // the ring is gone
                default -> {
                }
            }
        }
    }

    /** Fails a request the kernel did not give back at close; its memory stays reserved, never freed. */
    private static void abandon(Request<?> r) {
        if (r.rest != null) {
            cancelRest(r);
        }
        if (r.done) {
            return;
        }
        r.done = true;
        if (r.onDone != null) {
            r.onDone.run();
        }
        r.future.completeExceptionally(new IllegalStateException("asys engine is closed: the kernel did not give "
                + r.op.name() + " back within the close drain; its buffers stay reserved for the process's life"));
    }

    @Override
    public boolean isClosed() {
        return closing;
    }

    public Thread thread() {
        return thread;
    }
}
