package io.asys.internal.workers;

import io.asys.Attribute;
import io.asys.Errno;
import io.asys.ExecutionPath;
import io.asys.Op;
import io.asys.internal.engine.Completions;
import io.asys.internal.engine.Engine;
import io.asys.internal.engine.Request;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Path lookups (statx) as plain blocking system calls on a few platform threads, for
 * throughput: io_uring hands statx to its io-wq threads (slow), and the worker engine's
 * non-blocking inline form costs three system calls; here one {@code statx(2)} runs on a pool
 * thread, which may block on a cold lookup (the submitter never does). Many-to-many: any thread
 * submits into one lock-free queue; a pool thread completes the future itself, so callbacks
 * run on it, and the first request they submit is kept and run next by the same thread (no
 * hand-off, no wake-up) unless others wait in the queue (then it queues behind them: nobody
 * starves). A parked thread is woken only when a request arrives and it is parked. A call that
 * was slow marks the pool {@link #cold()} for a while: {@code Asys} then sends other threads'
 * lookups to the engine. Single requests without a timeout only; chains and timeouts stay with
 * the engines.
 */
public final class LookupPool implements Engine {
    /**
     * Property: the pool's thread count. Default: one per processor, at least 2 (measured on 2
     * cores: 2 threads beat 4, which preempt each other; more threads only help when lookups block
     * on the disk, where {@code asys.statx=uring} lets io_uring's io-wq wait for many at once).
     */
    public static final String THREADS_PROP_NAME = "asys.lookup.threads";
    public static final int THREADS_DEFAULT = Math.max(2, Runtime.getRuntime().availableProcessors());

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

    /** Kept requests a thread runs in a row before it serves the queue (bounds what waiting ones wait for). */
    private static final int KEPT_RUNS = 16;
    private static final int RUNNING = 0;
    private static final int PARKED = 1;

    private final ConcurrentLinkedQueue<Request<?>> queue = new ConcurrentLinkedQueue<>();
    private final Thread[] threads;
    /** Per thread: RUNNING or PARKED (published before its last look at the queue; see {@link #wakeOne}). */
    private final AtomicIntegerArray state;
    /** The request each thread runs now (for close: it waits for them). */
    private final ThreadLocal<Slot> slot = new ThreadLocal<>();
    private volatile boolean closing;
    /** Until when (nanoTime) lookups go to the engine instead: a call here was slow (cold cache). 0: never. */
    private volatile long coldUntil;
    private final long slowCallNanos = Long.getLong(SLOW_CALL_PROP_NAME, SLOW_CALL_MICROS_DEFAULT) * 1000;

    /** A pool thread's own state: what its callbacks submitted for it to run next. */
    private static final class Slot {
        Request<?> kept;
        boolean completing;
        int keptRuns;
        int slowScore;
    }

    public LookupPool(int threadCount) {
        if (threadCount < 1) {
            throw new IllegalArgumentException(THREADS_PROP_NAME + " must be at least 1: " + threadCount);
        }
        this.threads = new Thread[threadCount];
        this.state = new AtomicIntegerArray(threadCount);
        for (int i = 0; i < threadCount; i++) {
            int index = i;
            threads[i] = Thread.ofPlatform().daemon().name("asys-lookup-" + i).start(() -> work(index));
        }
    }

    /** A pool of the size {@code asys.lookup.threads} asks for. */
    public static LookupPool ofDefaultSize() {
        return new LookupPool(Integer.getInteger(THREADS_PROP_NAME, THREADS_DEFAULT));
    }

    /**
     * Property: besides statx, which single operations the lookup threads take when asys routes
     * statx to them: {@code openclose} (plain opens and closes too) or {@code none} (default).
     */
    public static final String OPS_PROP_NAME = "asys.lookup.ops";
    private static final boolean OPEN_CLOSE = "openclose".equals(System.getProperty(OPS_PROP_NAME, "none"));

    /** Whether the pool runs this request: one statx (or open, close: see {@link #OPS_PROP_NAME}), no chain, no timeout. */
    public static boolean takes(Request<?> r) {
        return r.next == null && r.timeout == null
                && (r.op instanceof Op.Statx || OPEN_CLOSE && (r.op instanceof Op.OpenAt || r.op instanceof Op.Close));
    }

    /**
     * Whether lookups submitted by this thread should go to the engine for now: a recent call on
     * this pool was slow (it waited for the disk, or its thread was preempted), see
     * {@link #SLOW_CALL_PROP_NAME}. Never on a pool thread: its callback's next lookup is kept (the
     * thread is not blocked), and the worker engine could complete it inline, in the callback,
     * one stack frame deeper per lookup.
     */
    public boolean cold() {
        long until = coldUntil;
        if (until == 0 || slot.get() != null) {
            return false;
        }
        if (System.nanoTime() - until < 0) {
            return true;
        }
        coldUntil = 0; // expired (a racing slow call may be overwritten: it re-marks on its next slow call)
        return false;
    }

    @Override
    public String name() {
        return "workers";
    }

    @Override
    public void submit(Request<?> r) {
        if (closing) {
            reject(r);
            return;
        }
        Slot own = slot.get();
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
     * Unparks one parked thread, if any. A thread publishes PARKED before it looks at the queue a
     * last time, and the submitter offered (a CAS, a full fence) before it reads the states: so
     * either the thread sees the request or the submitter sees the thread parked (Dekker).
     */
    private void wakeOne() {
        for (int i = 0; i < threads.length; i++) {
            if (state.get(i) == PARKED && state.compareAndSet(i, PARKED, RUNNING)) {
                LockSupport.unpark(threads[i]);
                return;
            }
        }
    }

    private void work(int index) {
        Slot own = new Slot();
        slot.set(own);
        BlockingCalls calls = new BlockingCalls(new AtomicIntegerArray(0));
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
                if (closing) {
                    return;
                }
                state.set(index, PARKED);
                if (queue.isEmpty() && !closing) {
                    LockSupport.park(this);
                }
                state.set(index, RUNNING);
                continue;
            }
            run(r, calls, own);
        }
    }

    private void run(Request<?> r, BlockingCalls calls, Slot own) {
        int res;
        if (r.cancelRequested || closing) {
            res = -Errno.ECANCELED;
        } else {
            long cpu = 0;
            if (r.attrMask != 0) {
                r.takenNanos = System.nanoTime();
                r.path = ExecutionPath.WORKER.ordinal();
                cpu = r.wants(Attribute.CPU) ? calls.probes().threadCpuNanos() : 0;
            }
            long began = System.nanoTime();
            try {
                res = calls.execute(r, Long.MAX_VALUE);
            } catch (RuntimeException e) {
                r.itemFailure = e;
                res = -Errno.ECANCELED;
            }
            long now = System.nanoTime();
            // A moving score of this thread's slow calls (1/8 decay, 256 when all are slow): more
            // than half slow marks the pool cold. One slow call (a preemption) does not; about six
            // in a row (a cold tree) do.
            own.slowScore += (now - began > slowCallNanos ? SLOW_STEP : 0) - (own.slowScore >> 3);
            if (own.slowScore > COLD_SCORE) {
                coldUntil = now + COLD_NANOS;
            }
            if (r.attrMask != 0 && r.wants(Attribute.CPU)) {
                r.cpuNanos = calls.probes().threadCpuNanos() - cpu;
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

    @Override
    public void cancel(Request<?> r) {
        r.cancelRequested = true;
        if (queue.remove(r)) {
            Completions.complete(r, -Errno.ECANCELED);
        }
    }

    @Override
    public void cancelFd(int fd) {
        // Path lookups hold no descriptor.
    }

    @Override
    public boolean isClosed() {
        return closing;
    }

    /** Cancels what waits, lets running lookups finish, and returns once every thread stopped. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        for (Request<?> r; (r = queue.poll()) != null; ) {
            Completions.complete(r, -Errno.ECANCELED);
        }
        for (Thread t : threads) {
            LockSupport.unpark(t);
        }
        Thread self = Thread.currentThread();
        for (Thread t : threads) {
            if (t != self) {
                try {
                    t.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void reject(Request<?> r) {
        r.done = true;
        if (r.onDone != null) {
            r.onDone.run();
        }
        r.future.completeExceptionally(new IllegalStateException("asys engine is closed"));
    }
}
