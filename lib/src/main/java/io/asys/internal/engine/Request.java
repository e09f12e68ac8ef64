package io.asys.internal.engine;

import io.asys.Op;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One submitted operation on its way through an engine: the typed op, the future it completes,
 * its timeout, and its place in a chain. Fields written before hand-off to the engine are read
 * only by the engine thread; {@code cancelRequested} may be set from any thread.
 */
public final class Request<T> {
    public final Op<T> op;
    public final CompletableFuture<T> future;
    public final Duration timeout;
    /** IOSQE_IO_LINK or IOSQE_IO_HARDLINK when the next request of a chain depends on this one. */
    public int linkFlags;
    /** The rest of the chain, submitted with this request in one batch. */
    public Request<?> next;
    /**
     * The rest of the chain held back by the io_uring engine until this step succeeded, for
     * opcodes whose failure the kernel does not propagate along a link. Engine thread only.
     */
    public Request<?> rest;
    public volatile boolean cancelRequested;
    /** The engine the request was handed to (set before hand-off, see {@link #handTo}). */
    public volatile Engine engine;
    /** The ring's user data once submitted; -1 before. Engine thread only. */
    public long userData = -1;
    public boolean done;
    /** What the kernel may still touch besides the op's own fields (an iovec array's buffers as submitted). */
    public Object held;
    /** A result the engine decoded from memory it owns (a statx), published with the completion. */
    public Object value;
    /** Run once after the future is completed (releases the file handle's hold). */
    public Runnable onDone;
    /** The CQE of this request's link timeout has not been reaped yet. Engine thread only. */
    public boolean linkTimeoutPending;
    /** Its link timeout fired and cancelled this request (the timeout's CQE said -ETIME). Engine thread only. */
    public boolean timedOut;
    /** An -ECANCELED result held back until the link timeout's CQE says whether it was the timeout. */
    public boolean cancelHeld;

    /** Items a multishot operation delivered so far. */
    public long items;
    /** What a multishot's consumer threw, or what a worker's call threw: the request ends with it. */
    public Throwable itemFailure;
    /** A send_zc's result, held until its notification says the buffer is free. Engine thread only. */
    public int sendResult;

    // ---- attributes (io.asys.Attribute) ----
    /** Bit {@code 1 << ordinal} for each attribute asked for. */
    public int attrMask;
    /** What was measured for the attributes; made only when {@link #attrMask} is not 0 ({@link #askFor}). */
    public Measured measured;
    /** The submitter already tried RWF_NOWAIT on its thread and it did not complete the read: no engine tries again. */
    public boolean noWaitTried;

    /**
     * The attribute values of one request that asked for any: kept apart so a request that asks
     * for none (most) is 60-odd bytes smaller (less memory streamed through the young
     * generation per operation: statx measurably faster with fewer bytes per operation).
     */
    public static final class Measured {
        public long submitNanos;
        public long completeNanos;
        /** When the kernel (SQE submitted) or a worker took it; -1 if not known. */
        public long takenNanos = -1;
        /** A {@link io.asys.CacheResult} ordinal, or -1 with {@link #cacheUnsupported} saying why. */
        public int cache = -1;
        public String cacheMethod;
        public String cacheUnsupported;
        /** An {@link io.asys.ExecutionPath} ordinal, or -1. */
        public int path = -1;
        /** CPU time of the thread that ran it, or -1 with {@link #cpuUnsupported} saying why. */
        public long cpuNanos = -1;
        public String cpuUnsupported;
        /** A short read of the worker engine's non-blocking attempt (CACHE is decided by the full read), or -1. */
        public int nowaitResult = -1;
        /** The io_uring engine's turn in which the SQE was submitted (for the path attribute). */
        public long submitTurn;
    }

    /** Asks for the attributes in {@code mask} (not 0), measured from now. */
    public void askFor(int mask) {
        attrMask = mask;
        measured = new Measured();
        measured.submitNanos = System.nanoTime();
    }

    private static final java.lang.invoke.VarHandle ENGINE;

    static {
        try {
            ENGINE = java.lang.invoke.MethodHandles.lookup().findVarHandle(Request.class, "engine", Engine.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Records the engine this request goes to, with a release store: a canceller reading
     * {@link #engine} sees it or null (then it only sets {@link #cancelRequested}, which the
     * engine checks before it runs the call); a volatile store's full fence buys nothing here,
     * and the submit path pays for it on every operation.
     */
    public void handTo(Engine target) {
        ENGINE.setRelease(this, target);
    }

    public boolean wants(io.asys.Attribute a) {
        return (attrMask & (1 << a.ordinal())) != 0;
    }

    public Request(Op<T> op, CompletableFuture<T> future, Duration timeout) {
        this.op = op;
        this.future = future;
        this.timeout = timeout;
    }

    /** How many requests (and link timeouts) this chain needs in the ring. */
    public int entries() {
        int n = 0;
        for (Request<?> r = this; r != null; r = r.next) {
            n += r.timeout != null ? 2 : 1;
        }
        return n;
    }
}
