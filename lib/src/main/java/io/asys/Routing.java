package io.asys;

import io.asys.internal.engine.Engine;
import io.asys.internal.engine.Request;
import io.asys.internal.engine.UringEngine;
import io.asys.internal.workers.LookupPool;
import io.asys.internal.workers.WorkerEngine;

import java.util.List;

/**
 * Where each request of one {@link Asys} runs: its primary engine; the lookup threads (single
 * statx, statx batches, opens and closes, see {@link LookupPool}); or, on io_uring, a worker
 * engine made on first use for what the ring cannot run (an opcode the kernel lacks, a batch) or
 * should not (statx with {@code asys.statx=workers}, O_DIRECT at the file position). Owns those
 * engines and closes them all. Never reaches its {@code Asys}, so the cleaner can hold it.
 */
final class Routing {
    private final Engine engine;
    /** What goes to the worker engine on io_uring, and why (empty on the worker engine). */
    final List<String> routes;
    private final boolean statxOnWorkers;
    private final boolean statxOnLookup;
    /** The worker engine for what the primary cannot run; made on first use. */
    private volatile WorkerEngine fallback;
    /** The lookup threads, made on first use. */
    private volatile LookupPool lookup;
    /** Set by close, under this object's lock, so nothing is made after it. */
    private boolean closed;

    Routing(Engine engine) {
        this.engine = engine;
        this.routes = engine instanceof UringEngine ? workerRoutesHere() : List.of();
        this.statxOnWorkers = engine instanceof UringEngine && statxSetting().equals("workers");
        this.statxOnLookup = statxRoute(engine).equals("lookup");
    }

    /** What a new io_uring-based instance would send to workers here, and why. */
    static List<String> workerRoutesHere() {
        List<String> routes = new java.util.ArrayList<>();
        if (statxSetting().equals("workers")) {
            routes.add("statx: " + Asys.STATX_PROP_NAME + "=workers (cached lookups answered inline instead of io-wq)");
        }
        routes.addAll(UringEngine.missingOpcodes());
        return List.copyOf(routes);
    }

    /** The {@link Asys#STATX_PROP_NAME} setting, checked. */
    private static String statxSetting() {
        String v = System.getProperty(Asys.STATX_PROP_NAME, Asys.STATX_DEFAULT);
        return switch (v) {
            case "lookup", "workers", "uring" -> v;
            default -> throw new IllegalArgumentException("unknown " + Asys.STATX_PROP_NAME + " '" + v
                    + "': use lookup, uring or workers");
        };
    }

    /** Where statx goes on this engine: {@code lookup}, {@code uring} or {@code workers}. */
    private static String statxRoute(Engine engine) {
        String v = statxSetting();
        return engine instanceof UringEngine || v.equals("lookup") ? v : "workers";
    }

    /** See {@link Asys#statxRoute()}. */
    String statxRoute() {
        return statxOnLookup ? "lookup" : statxOnWorkers || engine instanceof WorkerEngine
                || !UringEngine.runs(io.asys.uring.IoUringAbi.IORING_OP_STATX) ? "workers" : "uring";
    }

    /** The engine for a request (or the chain it heads). */
    Engine engineFor(Request<?> head) {
        if (statxOnLookup && LookupPool.takes(head) && !engine.isClosed()) {
            LookupPool l = lookup();
            // Cold lookups (a recent one waited for the disk) go to the engine, which waits for many at
            // once. Opens and closes stay: the pool adds threads when calls block, and an open on the
            // engine would not behave as the system call (io_uring opens a FIFO without waiting).
            if (l != null && !(l.cold() && (head.op instanceof Op.Statx || head.op instanceof Op.StatxAll))) {
                return l;
            }
        }
        if (engine instanceof UringEngine) {
            for (Request<?> r = head; r != null; r = r.next) {
                if (UringEngine.unsupported(r.op) != null || r.op instanceof Op.MsgRing m && m.targetRingFd() < 0
                        || statxOnWorkers && r.op instanceof Op.Statx && head.next == null || directAtFilePosition(r.op)) {
                    return fallback();
                }
            }
        }
        return engine;
    }

    /**
     * An O_DIRECT read or write at the file position (offset -1). io_uring updates the position
     * only when such a call completes at once; an asynchronous direct I/O completes without moving
     * it (6.18: three reads at -1 read the first block three times), where the system call moves
     * it by what it read. The worker engine runs these, so the position means what it means.
     */
    private static boolean directAtFilePosition(Op<?> op) {
        return switch (op) {
            case Op.Read o -> o.offset() == -1 && o.handle().isDirectIo();
            case Op.Write o -> o.offset() == -1 && o.handle().isDirectIo();
            case Op.Readv o -> o.offset() == -1 && o.handle().isDirectIo();
            case Op.Writev o -> o.offset() == -1 && o.handle().isDirectIo();
            case Op.ReadFixed o -> o.offset() == -1 && o.handle().isDirectIo();
            case Op.WriteFixed o -> o.offset() == -1 && o.handle().isDirectIo();
            default -> false;
        };
    }

    private LookupPool lookup() {
        LookupPool l = lookup;
        if (l == null) {
            synchronized (this) {
                l = lookup;
                if (closed) {
                    return null;
                }
                if (l == null) {
                    l = LookupPool.ofDefaultSize();
                    lookup = l;
                }
            }
        }
        return l;
    }

    private Engine fallback() {
        WorkerEngine w = fallback;
        if (w == null) {
            synchronized (this) {
                w = fallback;
                if (closed) {
                    // Closing: refused, as the primary engine refuses once its own close began (until
                    // then it would take an operation only the workers run, and fail it in prep).
                    return w != null ? w : io.asys.internal.engine.ClosedEngine.INSTANCE;
                }
                if (w == null) {
                    w = new WorkerEngine(4);
                    fallback = w;
                }
            }
        }
        return w;
    }

    /** The worker engine, when there is one: the primary, or the fallback once made. */
    WorkerEngine workers() {
        return engine instanceof WorkerEngine we ? we : fallback;
    }

    /** Cancels every request on {@code fd} on the primary engine and the fallback. */
    void cancelFd(int fd) {
        engine.cancelFd(fd);
        WorkerEngine w = fallback;
        if (w != null) {
            w.cancelFd(fd);
        }
    }

    /** Stops making engines, then closes the primary, the fallback and the lookup threads. */
    void close() {
        WorkerEngine w;
        LookupPool l;
        synchronized (this) {
            closed = true;
        }
        engine.close();
        synchronized (this) {
            w = fallback;
            l = lookup;
        }
        if (w != null) {
            w.close();
        }
        if (l != null) {
            l.close();
        }
    }
}
