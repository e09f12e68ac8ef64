package io.asys.internal.workers;

import io.asys.Attribute;
import io.asys.Errno;
import io.asys.ExecutionPath;
import io.asys.Op;
import io.asys.internal.engine.Completions;
import io.asys.internal.engine.Engine;
import io.asys.internal.engine.Request;
import io.asys.internal.linux.InterruptSignal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Path lookups and descriptor calls (statx, openat, close) as plain blocking system calls on a
 * few platform threads, for throughput: io_uring hands statx and open to its io-wq threads (a
 * hand-off per call), and the worker engine's non-blocking inline forms cost more calls; here one
 * system call runs on a pool thread, which may block (the submitter never does).
 *
 * <p>Many-to-many: any thread submits into one lock-free queue; a pool thread completes the
 * future itself, so callbacks run on it, and the first request they submit is kept and run next
 * by the same thread (no hand-off, no wake-up) unless others wait in the queue (then it queues
 * behind them: nobody starves). A parked thread is woken only when a request arrives and it is
 * parked.
 *
 * <p>Blocking, two time scales. A call that was slow marks the pool {@link #cold()} for a while:
 * {@code Asys} then sends other threads' lookups to the engine, which waits for many at once. A
 * call that does not return at all (an open of a FIFO without a writer, a hung network file
 * system) would hold its thread for good: a watcher, awake only while requests wait, sees a
 * thread still in the call it was in a tick earlier and asleep in the kernel and, while fewer
 * than the core count of threads are free, adds a thread (as io_uring's io-wq adds a worker when one blocks), up to
 * {@link #MAX_THREADS_PROP_NAME}. Added threads leave after a second without work. Single
 * requests without a timeout only; chains and timeouts stay with the engines.
 */
public final class LookupPool implements Engine {
    /**
     * Property: the pool's core thread count. Default: one per processor, at least 2 (measured on
     * 2 cores: 2 threads beat 4, which preempt each other).
     */
    public static final String THREADS_PROP_NAME = "asys.lookup.threads";
    public static final int THREADS_DEFAULT = Math.max(2, Runtime.getRuntime().availableProcessors());

    /** Property: at most this many threads, core and added, while calls block (default 64). */
    public static final String MAX_THREADS_PROP_NAME = "asys.lookup.maxThreads";
    public static final int MAX_THREADS_DEFAULT = 64;

    /**
     * Property: a call that takes longer than this many microseconds (default 100; a statx the
     * dentry cache answers takes 1–2) is slow; when most recent calls of a pool thread were slow
     * (about six in a row; one preempted call is not enough) the lookups are cold: for the next
     * 10 ms other threads' lookups go to the engine (io_uring's io-wq, or the worker engine's
     * workers), which waits for many at once, instead of queuing behind blocked pool threads.
     */
    public static final String SLOW_CALL_PROP_NAME = "asys.lookup.slowMicros";
    public static final long SLOW_CALL_MICROS_DEFAULT = 100;
    private static final long COLD_NANOS = 10_000_000L;
    private static final int SLOW_STEP = 32;
    private static final int COLD_SCORE = 128;
    /** Fast calls between two clock reads (see {@code run}). */
    private static final int CLOCK_EVERY = 4;
    /** How often the watcher looks while requests wait: a call seen in two looks in a row blocks. */
    private static final long WATCH_TICK_NANOS = 1_000_000L;
    /** An added thread with no work for this long leaves. */
    private static final long IDLE_LEAVE_NANOS = 1_000_000_000L;
    private static final long CLOSE_WAIT_NANOS = 10_000_000_000L;

    /** Kept requests a thread runs in a row before it serves the queue (bounds what waiting ones wait for). */
    private static final int KEPT_RUNS = 16;
    private static final int RUNNING = 0;
    private static final int PARKED = 1;
    private static final int LEFT = 2;

    private static final VarHandle STATE;
    private static final VarHandle CALLS;
    private static final VarHandle CURRENT;
    private static final VarHandle WATCHER_IDLE;

    static {
        try {
            var lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(Worker.class, "state", int.class);
            CALLS = lookup.findVarHandle(Worker.class, "calls", long.class);
            CURRENT = lookup.findVarHandle(Worker.class, "current", Request.class);
            WATCHER_IDLE = lookup.findVarHandle(LookupPool.class, "watcherIdle", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConcurrentLinkedQueue<Request<?>> queue = new ConcurrentLinkedQueue<>();
    private final int coreThreads;
    private final int maxThreads;
    /** The threads, core first; replaced (copy on write, under {@code this}) when one is added or leaves. */
    private volatile Worker[] workers = new Worker[0];
    private int added;
    private final Thread watcher;
    /** The watcher's reader of thread states. */
    private final KernelThreadState states = new KernelThreadState();
    /** The watcher parks without a deadline: nothing waits (a submitter that finds every thread busy wakes it). */
    @SuppressWarnings("unused") // through WATCHER_IDLE
    private volatile boolean watcherIdle;
    private volatile boolean closing;
    /** Until when (nanoTime) lookups go to the engine instead: a call here was slow (cold cache). 0: never. */
    private volatile long coldUntil;
    private final long slowCallNanos = Long.getLong(SLOW_CALL_PROP_NAME, SLOW_CALL_MICROS_DEFAULT) * 1000;

    /** A pool thread knows its pool and its state: a field read where a ThreadLocal would be a map lookup. */
    private static final class PoolThread extends Thread {
        final LookupPool pool;
        final Worker worker;

        PoolThread(LookupPool pool, Worker worker, String name) {
            super(null, null, name, 0, false);
            this.pool = pool;
            this.worker = worker;
            setDaemon(true);
        }

        @Override
        public void run() {
            pool.work(worker);
        }
    }

    /** The state of the pool thread running this, or null when this is no thread of this pool. */
    private Worker self() {
        return Thread.currentThread() instanceof PoolThread t && t.pool == this ? t.worker : null;
    }

    /** One pool thread and its state. */
    private static final class Worker {
        final boolean core;
        Thread thread;
        /** Its kernel thread id (set by the thread as it starts; 0 before). */
        volatile int tid;
        /** RUNNING, PARKED (published before its last look at the queue; see {@link #wakeOne}) or LEFT. */
        volatile int state;
        /** Calls begun and ended, each counted: odd while in a call. Written by its thread only. */
        volatile long calls;
        /** The request in a call on this thread now, or null (for cancel and close: they interrupt it). */
        volatile Request<?> current;
        /** What the watcher saw in {@link #calls} at its last look (watcher only). */
        long seenCalls;
        /** Own state: what its callbacks submitted for it to run next. */
        Request<?> kept;
        boolean completing;
        int keptRuns;
        int slowScore;
        /** When this thread last read the clock after a call, or last woke up (nanoTime). */
        long lastEnd;
        /** System calls since {@link #lastEnd}, and how many to make before the next clock read. */
        int unclocked;
        int clockEvery = 1;

        Worker(boolean core) {
            this.core = core;
        }
    }

    public LookupPool(int threadCount) {
        this(threadCount, Math.max(threadCount, Integer.getInteger(MAX_THREADS_PROP_NAME, MAX_THREADS_DEFAULT)));
    }

    LookupPool(int threadCount, int maxThreads) {
        if (threadCount < 1) {
            throw new IllegalArgumentException(THREADS_PROP_NAME + " must be at least 1: " + threadCount);
        }
        this.coreThreads = threadCount;
        this.maxThreads = maxThreads;
        synchronized (this) {
            for (int i = 0; i < threadCount; i++) {
                start(new Worker(true), "asys-lookup-" + i);
            }
        }
        this.watcher = Thread.ofPlatform().daemon().name("asys-lookup-watcher").start(this::watch);
    }

    /** A pool of the size {@code asys.lookup.threads} asks for. */
    public static LookupPool ofDefaultSize() {
        return new LookupPool(Integer.getInteger(THREADS_PROP_NAME, THREADS_DEFAULT));
    }

    /**
     * Property: besides statx, which single operations the lookup threads take when asys routes
     * statx to them: {@code openclose} (plain opens and closes too, the default) or {@code none}.
     */
    public static final String OPS_PROP_NAME = "asys.lookup.ops";
    public static final String OPS_DEFAULT = "openclose";
    private static final boolean OPEN_CLOSE = "openclose".equals(System.getProperty(OPS_PROP_NAME, OPS_DEFAULT));

    /**
     * Whether the pool runs this request: one statx or batch of statx, open or close (see
     * {@link #OPS_PROP_NAME}), no chain, no timeout.
     */
    public static boolean takes(Request<?> r) {
        return r.next == null && r.timeout == null
                && (r.op instanceof Op.Statx || r.op instanceof Op.StatxAll
                        || OPEN_CLOSE && (r.op instanceof Op.OpenAt || r.op instanceof Op.Close));
    }

    /** How many system calls a request makes here (a batch makes one per path). */
    private static int callsIn(Request<?> r) {
        return r.op instanceof Op.StatxAll all ? Math.max(1, all.cPaths().length) : 1;
    }

    /**
     * Whether lookups submitted by this thread should go to the engine for now: a recent call on
     * this pool was slow (it waited for the disk, or its thread was preempted), see
     * {@link #SLOW_CALL_PROP_NAME}, or one blocks. Never on a pool thread: its callback's next
     * lookup is kept (the thread is not blocked), and the worker engine could complete it inline,
     * in the callback, one stack frame deeper per lookup.
     */
    public boolean cold() {
        long until = coldUntil;
        if (until == 0 || self() != null) {
            return false;
        }
        if (System.nanoTime() - until < 0) {
            return true;
        }
        coldUntil = 0; // expired (a racing slow call may be overwritten: it re-marks on its next slow call)
        return false;
    }

    /** Threads now, core and added (for tests and diagnostics). */
    public int threadCount() {
        return workers.length;
    }

    @Override
    public String name() {
        return "workers";
    }

    @Override
    public void submit(Request<?> r) {
        if (closing) {
            Completions.reject(r);
            return;
        }
        Worker own = self();
        if (own != null && own.completing && own.kept == null) {
            // Submitted by a callback on a pool thread: it runs it next itself.
            own.kept = r;
            return;
        }
        queue.offer(r);
        wakeOne();
        // Close may have drained the queue for the last time between our check and our offer.
        if (closing && queue.remove(r)) {
            Completions.complete(r, -Errno.ECANCELED);
        }
    }

    /**
     * Unparks one parked thread, if any; when every thread is busy, wakes the watcher if it
     * sleeps. A thread publishes PARKED before it looks at the queue a last time, and the
     * submitter offered (a CAS, a full fence) before it reads the states: so either the thread
     * sees the request or the submitter sees the thread parked (Dekker). The watcher likewise.
     */
    private void wakeOne() {
        for (Worker w : workers) {
            if (w.state == PARKED && STATE.compareAndSet(w, PARKED, RUNNING)) {
                LockSupport.unpark(w.thread);
                return;
            }
        }
        if (watcherIdle && WATCHER_IDLE.compareAndSet(this, true, false)) {
            LockSupport.unpark(watcher);
        }
    }

    private void start(Worker w, String name) {
        Worker[] now = Arrays.copyOf(workers, workers.length + 1);
        now[now.length - 1] = w;
        workers = now;
        PoolThread t = new PoolThread(this, w, name);
        w.thread = t;
        t.start();
    }

    private synchronized void leave(Worker w) {
        Worker[] now = new Worker[workers.length - 1];
        int i = 0;
        for (Worker o : workers) {
            if (o != w) {
                now[i++] = o;
            }
        }
        workers = now;
    }

    /**
     * The watcher: asleep while nothing waits; while requests wait, looks every tick for threads
     * still in the call they were in at the last look, and adds a thread while fewer than the
     * core count are free (also marking the pool cold, so new lookups go to the engine).
     */
    private void watch() {
        while (!closing) {
            if (queue.isEmpty()) {
                watcherIdle = true;
                if (queue.isEmpty() && !closing) {
                    LockSupport.park(this);
                }
                watcherIdle = false;
                continue;
            }
            LockSupport.parkNanos(this, WATCH_TICK_NANOS);
            int free = 0;
            Worker[] ws = workers;
            for (Worker w : ws) {
                long calls = (long) CALLS.getOpaque(w);
                // In the same call as at the last look, and asleep in the kernel (a thread that
                // was preempted on a busy machine is not blocked: it goes on by itself).
                boolean blocked = (calls & 1) != 0 && calls == w.seenCalls && w.tid > 0 && states.sleeping(w.tid);
                w.seenCalls = calls;
                free += blocked ? 0 : 1;
            }
            if (free < coreThreads && !queue.isEmpty()) {
                coldUntil = System.nanoTime() + COLD_NANOS;
                addThread();
            }
        }
    }

    private synchronized void addThread() {
        if (!closing && workers.length < maxThreads) {
            start(new Worker(false), "asys-lookup-added-" + added++);
        }
    }

    private void work(Worker own) {
        own.tid = KernelThreadState.currentTid();
        BlockingCalls calls = new BlockingCalls(new AtomicIntegerArray(0));
        own.lastEnd = System.nanoTime();
        while (true) {
            Request<?> r = own.kept;
            own.kept = null;
            if (r == null) {
                r = queue.poll();
            } else if (++own.keptRuns >= KEPT_RUNS && !queue.isEmpty()) {
                // Others wait: after a few kept runs in a row the kept request goes behind them
                // (the queue is FIFO: nobody starves, and the shared queue is touched rarely).
                own.keptRuns = 0;
                queue.offer(r);
                r = queue.poll();
            }
            if (r == null) {
                if (closing || !idle(own)) {
                    return;
                }
                continue;
            }
            run(r, calls, own);
        }
    }

    /** Parks until woken (a core thread) or for a while; false when an added thread left for good. */
    private boolean idle(Worker own) {
        own.state = PARKED;
        if (queue.isEmpty() && !closing) {
            if (own.core) {
                LockSupport.park(this);
            } else {
                long parked = System.nanoTime();
                LockSupport.parkNanos(this, IDLE_LEAVE_NANOS);
                if (System.nanoTime() - parked >= IDLE_LEAVE_NANOS && STATE.compareAndSet(own, PARKED, LEFT)) {
                    if (queue.isEmpty()) {
                        leave(own);
                        return false;
                    }
                    // A request came as it left, and no submitter can wake it now: it serves it.
                }
            }
        }
        own.state = RUNNING;
        own.lastEnd = System.nanoTime();
        own.unclocked = 0;
        return true;
    }

    private void run(Request<?> r, BlockingCalls calls, Worker own) {
        int res;
        boolean interruptible = interruptible(r);
        if (interruptible) {
            // Published before the flags are read: a cancel or close either sees it (and signals)
            // or set its flag before this check (Dekker: both sides write, then read, volatiles).
            own.current = r;
        }
        if (r.cancelRequested || closing) {
            res = -Errno.ECANCELED;
            own.current = null;
        } else {
            long cpu = 0;
            if (r.attrMask != 0) {
                r.measured.takenNanos = System.nanoTime();
                r.measured.path = ExecutionPath.WORKER.ordinal();
                cpu = r.wants(Attribute.CPU) ? calls.probes().threadCpuNanos() : 0;
            }
            long n = own.calls;
            CALLS.setRelease(own, n + 1);
            try {
                res = calls.execute(r, Long.MAX_VALUE);
                // EINTR: a cancel or close interrupted the call (InterruptSignal), or a signal
                // meant for this thread's previous request came late: that one is run again.
                while (res == -Errno.EINTR && interruptible) {
                    if (r.cancelRequested || closing) {
                        res = -Errno.ECANCELED;
                        break;
                    }
                    res = calls.execute(r, Long.MAX_VALUE);
                }
            } catch (RuntimeException e) {
                r.itemFailure = e;
                res = -Errno.ECANCELED;
            } finally {
                if (interruptible) {
                    CURRENT.setRelease(own, (Request<?>) null); // no fence needed to clear it
                }
            }
            CALLS.setRelease(own, n + 2);
            if (res == -Errno.EINTR && r.op instanceof Op.Close) {
                res = 0; // Linux released the descriptor whatever close returned; EINTR would invite a second close
            }
            // One clock read per few calls: the time since the last read (or since the thread
            // woke) bounds those calls' from above. While they are fast the clock is read every
            // CLOCK_EVERY calls (a read costs about 2% of a cached statx); after a slow group,
            // every call. A moving score of slow groups (1/8 decay, 256 when all are slow): more
            // than half slow marks the pool cold. One slow group (a preemption) does not; about
            // six in a row (a cold tree: one group of fast-path calls, then single calls) do.
            own.unclocked += callsIn(r);
            if (own.unclocked >= own.clockEvery) {
                long now = System.nanoTime();
                boolean slow = now - own.lastEnd > slowCallNanos * own.unclocked;
                own.slowScore += (slow ? SLOW_STEP : 0) - (own.slowScore >> 3);
                own.clockEvery = slow ? 1 : CLOCK_EVERY;
                own.unclocked = 0;
                own.lastEnd = now;
                if (own.slowScore > COLD_SCORE) {
                    coldUntil = now + COLD_NANOS;
                }
            }
            if (r.attrMask != 0 && r.wants(Attribute.CPU)) {
                r.measured.cpuNanos = calls.probes().threadCpuNanos() - cpu;
            }
        }
        own.completing = true;
        try {
            if (r.itemFailure != null) {
                Completions.fail(r, r.itemFailure);
            } else {
                Completions.complete(r, res);
            }
        } catch (RuntimeException | Error e) {
            // A callback threw: the future is complete; the thread lives on.
            Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), e);
        } finally {
            own.completing = false;
        }
        if (own.kept != null && closing) {
            Request<?> k = own.kept;
            own.kept = null;
            Completions.complete(k, -Errno.ECANCELED);
        }
    }

    /**
     * Cancels a request: one still queued completes with ECANCELED at once; a running statx or
     * open gets the {@link InterruptSignal}, so a call the kernel interrupts (an open of a FIFO
     * without a writer) ends with ECANCELED, and one it does not completes with its real result;
     * a kept one sees {@code cancelRequested} before it runs.
     */
    @Override
    public void cancel(Request<?> r) {
        r.cancelRequested = true;
        if (queue.remove(r)) {
            Completions.complete(r, -Errno.ECANCELED);
            return;
        }
        for (Worker w : workers) {
            if (w.current == r) {
                Interrupter.interrupt(w.tid, () -> w.current == r);
            }
        }
    }

    /**
     * Whether a call may be interrupted by the signal and run again after an EINTR it did not ask
     * for: statx and open may (nothing happened when they fail with EINTR); close may not (the
     * descriptor is gone whatever close returns: running it again could close a reused number).
     */
    private static boolean interruptible(Request<?> r) {
        return InterruptSignal.usable() && !(r.op instanceof Op.Close);
    }


    @Override
    public void cancelFd(int fd) {
        // Path lookups hold no descriptor.
    }

    @Override
    public boolean isClosed() {
        return closing;
    }

    /**
     * Cancels what waits, interrupts running calls (those the kernel interrupts end with
     * ECANCELED, the others finish), and returns once every thread stopped, or after 10 s while a
     * call still blocks (its thread completes that request when it returns).
     */
    @Override
    public void close() {
        Worker[] ws;
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
            ws = workers;
        }
        for (Request<?> r; (r = queue.poll()) != null; ) {
            Completions.complete(r, -Errno.ECANCELED);
        }
        LockSupport.unpark(watcher);
        for (Worker w : ws) {
            LockSupport.unpark(w.thread);
            Request<?> running = w.current;
            if (running != null) {
                Interrupter.interrupt(w.tid, () -> w.current == running); // an open of a FIFO without a writer ends now
            }
        }
        Thread me = Thread.currentThread();
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        for (Worker w : ws) {
            long left = deadline - System.nanoTime();
            if (w.thread != me && left > 0) {
                try {
                    w.thread.join(java.time.Duration.ofNanos(left));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
