package io.asys.internal.workers;

import io.asys.Attribute;
import io.asys.CacheResult;
import io.asys.Errno;
import io.asys.ExecutionPath;
import io.asys.internal.engine.AttributeProbes;
import io.asys.Op;
import io.asys.internal.engine.Completions;
import io.asys.internal.engine.Engine;
import io.asys.internal.engine.Multishots;
import io.asys.internal.engine.OpChecks;
import io.asys.internal.engine.Request;
import io.asys.internal.linux.InterruptSignal;
import io.asys.internal.linux.LibC;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The worker engine (thread-based AIO): every operation runs as its blocking system call on a
 * bounded pool of platform threads; completions travel back through a {@link CompletionRing}
 * to one dispatcher thread, which completes the futures. Reads whose data is in the page cache
 * complete inline on the submitting thread (preadv2 with RWF_NOWAIT), with no thread switch.
 * Submitting never blocks: past the workers, requests wait in a queue ({@link #queued()}).
 */
public final class WorkerEngine implements Engine {
    public static final String WORKERS_PROP_NAME = "asys.workers";
    public static final int WORKERS_DEFAULT = 32;
    public static final int DIRECT_SLOTS = 64;
    /** Workers reap the completion ring after each call and keep the first request its callbacks submit (default true). */
    public static final String WORKER_REAP_PROP_NAME = "asys.workers.reap";
    private static final long NO_DEADLINE = Long.MAX_VALUE;
    private static final MemorySegment ONE = Arena.global().allocate(ValueLayout.JAVA_LONG);

    static {
        ONE.set(ValueLayout.JAVA_LONG, 0, 1L);
    }

    private final LinkedBlockingDeque<Request<?>> queue = new LinkedBlockingDeque<>();
    private final Map<Long, Request<?>> pending = new ConcurrentHashMap<>();
    /** Sleeps waiting for the timer; the cell is empty until schedule() returned. Removing the entry claims the completion. */
    private final Map<Request<?>, AtomicReference<ScheduledFuture<?>>> timers = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicIntegerArray directFds = new AtomicIntegerArray(DIRECT_SLOTS);
    /** What each worker runs now (volatile slots: close's scan and a worker's start must see each other). */
    private final java.util.concurrent.atomic.AtomicReferenceArray<Request<?>> running;
    /** Each worker's kernel thread id, for {@link InterruptSignal} (0 until it started). */
    private final java.util.concurrent.atomic.AtomicIntegerArray tids;
    private final Thread[] workers;
    private final Thread dispatcher;
    private final ScheduledThreadPoolExecutor timer;
    private final CompletionRing ring;
    private final int eventFd;
    private final ThreadLocal<BlockingCalls> inline;
    private final AtomicBoolean closeStarted = new AtomicBoolean();
    /** Posts in progress: the dispatcher closes the eventfd only once none is (see {@link #post}). */
    private final AtomicInteger posting = new AtomicInteger();
    private volatile boolean closing;
    private volatile boolean stopped;
    /** The dispatcher has exited: posts complete their request on the posting thread. */
    private volatile boolean dispatcherGone;
    /** Whoever holds it is the ring's one consumer: the dispatcher or a worker (see {@link #reap}). */
    private final AtomicBoolean reaping = new AtomicBoolean();
    private final boolean workersReap = !"false".equals(System.getProperty(WORKER_REAP_PROP_NAME));
    /** The worker state of this engine's worker threads (absent on other threads). */
    private final ThreadLocal<WorkerSlot> workerSlot = new ThreadLocal<>();
    private final CompletionRing.Handler handler = (userData, res, attributes) -> {
        Request<?> r = pending.remove(userData);
        if (r != null) {
            if (attributes.count() > 0) {
                applyAttributes(r, attributes);
            }
            complete(r, res);
        }
    };

    /** The kernel AIO path of O_DIRECT reads and writes, made on first use (null: not yet, off, or unavailable). */
    private volatile DirectAio aio;
    private volatile boolean aioTried = !DirectAio.wanted();
    private final Object aioLock = new Object();
    private final DirectAio.Host aioHost = new DirectAio.Host() {
        @Override
        public Request<?> pending(long userData) {
            return pending.get(userData);
        }

        @Override
        public void postQuietly(Request<?> r, int res) {
            post(r, res, null, true);
        }

        @Override
        public void reap() {
            WorkerEngine.this.reap();
        }

        @Override
        public void toWorkers(Request<?> r) {
            queue.offer(r);
            if (closing && queue.remove(r)) {
                cancelChain(r, -Errno.ECANCELED);
            }
        }
    };

    public WorkerEngine(int workerCount) {
        for (int i = 0; i < DIRECT_SLOTS; i++) {
            directFds.set(i, -1);
        }
        this.inline = ThreadLocal.withInitial(() -> new BlockingCalls(directFds));
        int efd = new LibC().eventfd(0, 02000000);
        if (efd < 0) {
            throw new IllegalStateException("eventfd failed: " + Errno.describe(efd));
        }
        this.eventFd = efd;
        this.ring = new CompletionRing(1 << 16, () -> LibC.signalEventfd(eventFd, ONE));
        this.running = new java.util.concurrent.atomic.AtomicReferenceArray<>(workerCount);
        this.tids = new java.util.concurrent.atomic.AtomicIntegerArray(workerCount);
        this.workers = new Thread[workerCount];
        for (int i = 0; i < workerCount; i++) {
            int index = i;
            workers[i] = Thread.ofPlatform().daemon().name("asys-worker-" + i).start(() -> work(index));
        }
        this.timer = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("asys-timer").factory());
        timer.setRemoveOnCancelPolicy(true);
        this.dispatcher = Thread.ofPlatform().daemon().name("asys-dispatcher").start(this::dispatch);
    }

    @Override
    public String name() {
        return "workers";
    }

    /** Requests waiting for a free worker: the back-pressure this engine reports. */
    public int queued() {
        return queue.size();
    }

    @Override
    public void submit(Request<?> head) {
        if (closing) {
            Completions.reject(head);
            return;
        }
        for (Request<?> r = head; r != null; r = r.next) {
            try {
                OpChecks.check(r.op);
            } catch (RuntimeException e) {
                failFrom(head, r, e);
                return;
            }
            if (r.op instanceof Op.Readv v) {
                r.held = v.buffers().hold();
            } else if (r.op instanceof Op.Writev v) {
                r.held = v.buffers().hold();
            }
        }
        if (head.next == null && head.op instanceof Op.Nop) {
            // A NOP has nothing to run: it completes here, as io_uring completes it inline.
            Completions.complete(head, 0);
            return;
        }
        if (head.next == null && head.timeout == null && tryInline(head)) {
            return;
        }
        for (Request<?> r = head; r != null; r = r.next) {
            r.userData = ids.incrementAndGet();
            pending.put(r.userData, r);
        }
        if (head.next == null && head.op instanceof Op.Timeout t) {
            // Recorded before scheduling: a zero-length sleep may fire before schedule() returns.
            AtomicReference<ScheduledFuture<?>> cell = new AtomicReference<>();
            timers.put(head, cell);
            try {
                cell.set(timer.schedule(() -> {
                    if (timers.remove(head) != null) {
                        post(head, 0);
                    }
                }, t.duration().toNanos(), TimeUnit.NANOSECONDS));
            } catch (RejectedExecutionException e) {
                // The timer is shut down: close is under way.
            }
            // Close may have swept the timers between our check and our put.
            if ((closing || cell.get() == null) && timers.remove(head) != null) {
                cancelTimer(cell);
                post(head, -Errno.ECANCELED);
            }
            return;
        }
        if (DirectAio.eligible(head)) {
            DirectAio a = directAio();
            if (a != null && a.submit(head)) {
                return;
            }
        }
        WorkerSlot slot = workersReap ? workerSlot.get() : null;
        if (slot != null && slot.keep(head)) {
            // Submitted by a completion this worker reaps: it runs it next, with no wake-up.
            return;
        }
        queue.offer(head);
        if (closing && queue.remove(head)) {
            cancelChain(head, -Errno.ECANCELED);
        }
    }

    /** The kernel AIO path, opened on the first O_DIRECT request; null once closing, when off or unavailable. */
    private DirectAio directAio() {
        DirectAio a = aio;
        if (a != null || aioTried) {
            return a;
        }
        synchronized (aioLock) {
            if (!aioTried && !closing) {
                aioTried = true;
                aio = DirectAio.open(aioHost);
            }
            return aio;
        }
    }

    /** The fibril principle: a read whose data is cached, or a lookup the caches can answer, completes here. */
    private boolean tryInline(Request<?> r) {
        BlockingCalls calls = inline.get();
        boolean attributed = r.attrMask != 0;
        long taken = attributed ? System.nanoTime() : 0;
        long cpu = attributed && r.wants(Attribute.CPU) ? calls.probes().threadCpuNanos() : 0;
        int res;
        if (r.op instanceof Op.OpenAt || r.op instanceof Op.Statx || r.op instanceof Op.Close) {
            res = calls.tryMetadataNoWait(r);
            if (res == -Errno.EAGAIN) {
                return false;
            }
        } else if (r.op instanceof Op.Read read && !r.noWaitTried && !read.handle().isDirectIo() && read.offset() >= 0) {
            res = calls.tryReadNoWait(read.handle().fd(), read.buffer(), read.offset(), read.rwFlags());
            if (attributed && r.wants(Attribute.CACHE)) {
                noteNoWaitRead(r, res, read.buffer().byteSize());
            }
            boolean callerSaidNoWait = (read.rwFlags() & io.asys.uring.IoUringAbi.RWF_NOWAIT) != 0;
            // EOPNOTSUPP is not final: RWF_NOWAIT itself is refused on some files (a directory: EISDIR).
            if (!(callerSaidNoWait && res != -Errno.EOPNOTSUPP || res == read.buffer().byteSize() || res == -Errno.EBADF
                    || res == -Errno.EISDIR || res == -Errno.EFAULT)) {
                // EAGAIN (not cached), a short read (partly cached, or EOF), ESPIPE (a pipe or socket):
                // the worker does the whole call, so the result is what the blocking call gives.
                return false;
            }
        } else {
            return false;
        }
        if (attributed) {
            r.measured.takenNanos = taken;
            r.measured.path = ExecutionPath.INLINE.ordinal();
            if (r.wants(Attribute.CPU)) {
                r.measured.cpuNanos = calls.probes().threadCpuNanos() - cpu;
            }
        }
        Completions.complete(r, res);
        return true;
    }

    /** The non-blocking attempt answers CACHE: all read is a hit, EAGAIN a miss, a short read is decided by the worker. */
    private static void noteNoWaitRead(Request<?> r, int res, long wanted) {
        if (res == wanted || res == -Errno.EAGAIN) {
            AttributeProbes.applyCache(r, AttributeProbes.code(AttributeProbes.METHOD_NOWAIT,
                    res == wanted ? CacheResult.HIT : CacheResult.MISS));
        } else if (res >= 0) {
            r.measured.nowaitResult = res;
        }
    }

    private void work(int index) {
        tids.set(index, KernelThreadState.currentTid());
        BlockingCalls calls = new BlockingCalls(directFds);
        WorkerSlot slot = new WorkerSlot();
        workerSlot.set(slot);
        while (!stopped) {
            Request<?> head = slot.takeKept();
            if (head == null) {
                try {
                    head = queue.poll(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    continue;
                }
            }
            if (head != null) {
                runChain(index, head, calls);
                if (workersReap) {
                    slot.reaping = true;
                    try {
                        reap();
                    } catch (RuntimeException e) {
                        // A completion threw (the dispatcher would have died of it): the worker
                        // lives on, and the dispatcher reaps what this reap left behind.
                        wakeDispatcher();
                    } finally {
                        slot.reaping = false;
                    }
                }
            }
        }
        Request<?> kept = slot.takeKept();
        if (kept != null) {
            // Close stopped this worker before it ran what it kept.
            cancelChain(kept, -Errno.ECANCELED);
        }
        // The dispatcher may sleep because this worker held the consumer's place when close woke it.
        wakeDispatcher();
    }

    private void runChain(int index, Request<?> head, BlockingCalls calls) {
        boolean broken = false;
        for (Request<?> r = head; r != null; r = r.next) {
            if (broken || r.cancelRequested) {
                post(r, -Errno.ECANCELED, null, workersReap);
                broken = true;
                continue;
            }
            running.set(index, r);
            if (closing) {
                // Close may have scanned the running slots before this one was set: it cancels
                // through the flag it set first (Dekker: both sides write, then read, volatiles).
                r.cancelRequested = true;
            }
            if (r.cancelRequested) {
                // A cancel that came after the check above and found no running slot sent no signal.
                running.set(index, null);
                post(r, -Errno.ECANCELED, null, workersReap);
                broken = true;
                continue;
            }
            long deadline = r.timeout == null ? NO_DEADLINE : System.nanoTime() + r.timeout.toNanos();
            long[] attrs = r.attrMask == 0 ? null : attributesBefore(r, calls);
            // A blocking call that waits in one piece (an open of a FIFO) sees no deadline: at the
            // deadline a timer interrupts it, as io_uring's link timeout cancels it.
            ScheduledFuture<?> deadlineInterrupt = r.timeout != null ? interruptAtDeadline(index, r) : null;
            int res;
            try {
                res = calls.execute(r, deadline);
                // EINTR: a cancel or close interrupted the call (InterruptSignal), or a signal
                // meant for this worker's previous request came late: that one is run again, as
                // io_uring restarts what a signal interrupts.
                while (res == -Errno.EINTR && interruptible(r)) {
                    if (r.cancelRequested || closing) {
                        res = -Errno.ECANCELED;
                        break;
                    }
                    res = calls.execute(r, deadline);
                }
            } catch (RuntimeException e) {
                // A bad argument found only here (buffers of another engine, ...): the request
                // fails with it, exactly once, and the worker lives on.
                r.itemFailure = e;
                res = -Errno.ECANCELED;
            }
            running.set(index, null);
            if (res == -Errno.EINTR && r.op instanceof Op.Close) {
                res = 0; // Linux released the descriptor whatever close returned; EINTR would invite a second close
            }
            if (deadlineInterrupt != null) {
                deadlineInterrupt.cancel(false);
            }
            if (attrs != null) {
                attributesAfter(r, calls, attrs, res);
            }
            post(r, res, attrs, workersReap);
            broken = r.next != null && io.asys.internal.engine.Links.breaks(r, res);
        }
    }

    // The worker's attribute values travel in the completion ring's entry as (id, status, value)
    // triples; the dispatcher writes them into the request before completing it.
    private static final int QUEUE_AT = 0;
    private static final int CACHE_AT = 3;
    private static final int PATH_AT = 6;
    private static final int CPU_AT = 9;

    private static long[] attributesBefore(Request<?> r, BlockingCalls calls) {
        long[] a = {
            Attribute.QUEUE_TIME.id(), 0, System.nanoTime(),
            Attribute.CACHE.id(), 1, 0,
            Attribute.PATH.id(), 0, ExecutionPath.WORKER.ordinal(),
            Attribute.CPU.id(), 1, 0};
        if (r.wants(Attribute.CACHE) && r.measured.nowaitResult < 0) {
            if (r.measured.cache >= 0) {
                a[CACHE_AT + 1] = 0; // the non-blocking attempt already said (a miss)
                a[CACHE_AT + 2] = AttributeProbes.code(AttributeProbes.METHOD_NOWAIT, CacheResult.values()[r.measured.cache]);
            } else {
                a[CACHE_AT + 1] = 0;
                a[CACHE_AT + 2] = calls.probes().cacheCode(r.op);
            }
        }
        if (r.wants(Attribute.CPU)) {
            a[CPU_AT + 2] = calls.probes().threadCpuNanos();
        }
        return a;
    }

    private static void attributesAfter(Request<?> r, BlockingCalls calls, long[] a, int res) {
        if (r.wants(Attribute.CPU)) {
            a[CPU_AT + 1] = 0;
            a[CPU_AT + 2] = calls.probes().threadCpuNanos() - a[CPU_AT + 2];
        }
        if (r.wants(Attribute.CACHE) && r.measured.nowaitResult >= 0) {
            // The non-blocking attempt read part: all of it if the file simply ends there.
            a[CACHE_AT + 1] = 0;
            a[CACHE_AT + 2] = AttributeProbes.code(AttributeProbes.METHOD_NOWAIT,
                    res == r.measured.nowaitResult ? CacheResult.HIT : CacheResult.PARTIAL);
        }
    }

    /** Dispatcher side: the values a worker sent in the ring entry, into the request. */
    private static void applyAttributes(Request<?> r, Attributes attributes) {
        for (int i = 0; i < attributes.count(); i++) {
            if (attributes.status(i) != 0) {
                continue;
            }
            long v = attributes.value(i);
            switch (Attribute.values()[attributes.id(i) - 1]) {
                case QUEUE_TIME -> r.measured.takenNanos = v;
                case CACHE -> AttributeProbes.applyCache(r, v);
                case PATH -> r.measured.path = (int) v;
                case CPU -> r.measured.cpuNanos = v;
                case LATENCY -> {
                }
            }
        }
    }

    /**
     * Hands a result to the dispatcher; once it has exited (close), completes the request here.
     * The {@code posting} count keeps the dispatcher from closing the eventfd under a post's signal.
     */
    private void post(Request<?> r, int res) {
        post(r, res, null, false);
    }

    /** {@code quietly}: a worker that reaps the ring right after posts without signalling the dispatcher. */
    private void post(Request<?> r, int res, long[] attrs, boolean quietly) {
        posting.incrementAndGet();
        try {
            if (!dispatcherGone) {
                if (quietly) {
                    ring.offerQuietly(r.userData, res, attrs);
                } else {
                    ring.offer(r.userData, res, attrs);
                }
                return;
            }
        } finally {
            posting.decrementAndGet();
        }
        Request<?> p = pending.remove(r.userData);
        if (p != null) {
            if (attrs != null) {
                Attributes.ArrayView view = new Attributes.ArrayView();
                view.bind(attrs);
                applyAttributes(p, view);
            }
            complete(p, res);
        }
    }

    /** The one place this engine's results become completions (a multishot's end carries its count). */
    private static void complete(Request<?> r, int res) {
        if (r.itemFailure != null && !(r.op instanceof Op.Multishot<?>)) {
            Completions.fail(r, r.itemFailure);
        } else if (r.op instanceof Op.Multishot<?>) {
            Multishots.finish(r, res);
        } else {
            Completions.complete(r, res);
        }
    }

    private void wakeDispatcher() {
        posting.incrementAndGet();
        try {
            if (!dispatcherGone) {
                LibC.signalEventfd(eventFd, ONE);
            }
        } finally {
            posting.decrementAndGet();
        }
    }

    private static void cancelTimer(AtomicReference<ScheduledFuture<?>> cell) {
        ScheduledFuture<?> f = cell.get();
        if (f != null) {
            f.cancel(false);
        }
    }

    private void dispatch() {
        io.asys.internal.linux.Syscall sys = new io.asys.internal.linux.Syscall();
        MemorySegment counter = Arena.ofAuto().allocate(8, 8);
        while (!(stopped && pending.isEmpty())) {
            if (reap() > 0) {
                continue;
            }
            if (ring.prepareWait(reaping::get)) {
                // read(2), not pread: an eventfd has no offset (pread would fail at once with ESPIPE).
                sys.call(io.asys.internal.linux.SyscallNumbers.READ, eventFd, counter.address(), 8, 0, 0, 0);
                ring.endWait();
            }
        }
        // From here on posts complete their requests themselves; wait out those already posting.
        dispatcherGone = true;
        while (posting.get() != 0) {
            Thread.onSpinWait();
        }
        while (reaping.get()) {
            // A worker still reaps (it holds the consumer's place): it finishes with what it saw.
            java.util.concurrent.locks.LockSupport.parkNanos(100_000L);
        }
        reap();
        new LibC().close(eventFd);
    }

    /**
     * Reaps the completion ring if no one else does, and completes what it finds; the count.
     * The ring has one consumer at a time: whoever takes {@code reaping}. A consumer that gives
     * the place up looks at the ring once more (after a full fence): a worker's quiet post that
     * found the place taken is then reaped by it (Dekker: the poster commits, then tries the
     * place; the consumer frees the place, then reads the ring).
     */
    private int reap() {
        int n = 0;
        do {
            if (!reaping.compareAndSet(false, true)) {
                return n;
            }
            try {
                n += ring.poll(handler);
            } finally {
                reaping.set(false);
            }
            java.lang.invoke.VarHandle.fullFence();
        } while (ring.hasCompletions());
        return n;
    }

    @Override
    public void cancel(Request<?> request) {
        request.cancelRequested = true;
        AtomicReference<ScheduledFuture<?>> t = timers.remove(request);
        if (t != null) {
            cancelTimer(t);
            post(request, -Errno.ECANCELED);
        } else if (queue.remove(request)) {
            cancelChain(request, -Errno.ECANCELED);
        } else {
            interruptRunning(request);
        }
    }

    /** Schedules the interrupt of worker {@code index}'s call for {@code r} at its timeout; null if none can be. */
    private ScheduledFuture<?> interruptAtDeadline(int index, Request<?> r) {
        if (!interruptible(r)) {
            return null;
        }
        try {
            return timer.schedule(() -> {
                if (running.get(index) == r && !r.cancelRequested) {
                    r.timedOut = true;
                    r.cancelRequested = true;
                    Interrupter.interrupt(tids.get(index), () -> running.get(index) == r);
                }
            }, r.timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null; // close is under way: it cancels what runs
        }
    }

    /**
     * Interrupts the worker running {@code request} in a blocking call, if any (a call the kernel
     * interrupts returns EINTR and the request ends ECANCELED; sliced waits see the flag anyway).
     */
    private void interruptRunning(Request<?> request) {
        if (!interruptible(request)) {
            return;
        }
        for (int i = 0; i < running.length(); i++) {
            if (running.get(i) == request) {
                int index = i;
                Interrupter.interrupt(tids.get(i), () -> running.get(index) == request);
            }
        }
    }

    /**
     * Whether a call may be interrupted and, after an EINTR nobody asked for, run again: all but
     * close (its descriptor is gone whatever close returns: running it again could close a
     * reused number) and connect (an interrupted connect goes on in the background: a second
     * one would fail with EALREADY).
     */
    private static boolean interruptible(Request<?> r) {
        return InterruptSignal.usable() && !(r.op instanceof Op.Close) && !(r.op instanceof Op.Connect);
    }

    @Override
    public void cancelFd(int fd) {
        for (Request<?> head : queue) {
            if (usesFd(head, fd) && queue.remove(head)) {
                cancelChain(head, -Errno.ECANCELED);
            }
        }
        for (int i = 0; i < running.length(); i++) {
            Request<?> r = running.get(i);
            if (r != null && r.op.handle() != null && r.op.handle().fd() == fd) {
                r.cancelRequested = true;
                interruptRunning(r);
            }
        }
    }

    private static boolean usesFd(Request<?> head, int fd) {
        for (Request<?> r = head; r != null; r = r.next) {
            if (r.op.handle() != null && r.op.handle().fd() == fd) {
                return true;
            }
        }
        return false;
    }

    private void cancelChain(Request<?> head, int res) {
        for (Request<?> r = head; r != null; r = r.next) {
            post(r, res);
        }
    }

    private static void failFrom(Request<?> head, Request<?> failed, RuntimeException e) {
        boolean after = false;
        for (Request<?> r = head; r != null; r = r.next) {
            if (r == failed) {
                r.done = true;
                r.future.completeExceptionally(e);
                if (r.onDone != null) {
                    r.onDone.run();
                }
                after = true;
            } else if (after) {
                Completions.complete(r, -Errno.ECANCELED);
            } else {
                // Steps before the bad one never ran either: the chain is refused as a whole.
                Completions.complete(r, -Errno.ECANCELED);
            }
        }
    }

    @Override
    public boolean isClosed() {
        return closing;
    }

    /** Cancels what waits, asks running calls to stop, and returns once every request completed. */
    @Override
    public void close() {
        if (!closeStarted.compareAndSet(false, true)) {
            return;
        }
        closing = true;
        for (Request<?> head; (head = queue.poll()) != null; ) {
            cancelChain(head, -Errno.ECANCELED);
        }
        for (var e : timers.entrySet()) {
            if (timers.remove(e.getKey()) != null) {
                cancelTimer(e.getValue());
                post(e.getKey(), -Errno.ECANCELED);
            }
        }
        for (int i = 0; i < running.length(); i++) {
            Request<?> r = running.get(i);
            if (r != null) {
                r.cancelRequested = true;
                interruptRunning(r);
            }
        }
        stopped = true;
        Thread self = Thread.currentThread();
        for (Thread w : workers) {
            if (w != self) {
                join(w);
            }
        }
        DirectAio a;
        synchronized (aioLock) {
            aioTried = true;
            a = aio;
        }
        if (a != null) {
            // Waits for the I/Os in flight (the disk completes them; a cancel cannot stop them).
            a.close();
        }
        timer.shutdownNow();
        wakeDispatcher();
        // Called from a callback on a worker that reaps: the dispatcher waits for it to finish.
        if (self != dispatcher && workerSlot.get() == null && (a == null || !a.onReaper())) {
            // The dispatcher closes the eventfd itself when it exits: closing it here while a
            // worker stuck in a call may still signal it would let the signal hit a reused fd.
            join(dispatcher);
        }
    }

    private static void join(Thread t) {
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
