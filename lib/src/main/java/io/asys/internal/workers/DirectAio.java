package io.asys.internal.workers;

import io.asys.Errno;
import io.asys.Op;
import io.asys.internal.engine.Request;
import io.asys.internal.kaio.AioDescriptor;
import io.asys.internal.linux.KernelAio;
import io.asys.internal.linux.Syscall;
import io.asys.uring.IoUringAbi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The worker engine's path for O_DIRECT reads and writes: the kernel's own AIO ({@code io_submit}
 * / {@code io_getevents}) instead of one blocking call per worker thread. Any thread submits
 * with one {@code io_submit} (with {@code RWF_NOWAIT}, so the submitter is never put to sleep:
 * what would block comes back {@code -EAGAIN} and goes to a worker, which makes the blocking
 * call); one reaper thread waits in {@code io_getevents}, posts the results into the engine's
 * completion ring and reaps it, and submits the reads its callbacks ask for in one batch.
 * Thread-safe; the batch is the reaper's alone.
 *
 * <p>Guarantees are the engine's: every request completes exactly once (its result is claimed
 * through the engine's pending table); a cancel does not stop an I/O the disk has (as a running
 * worker's pread, it completes with its result); close waits for every I/O in flight, then
 * destroys the context. Requests with a timeout, attributes, a chain, flags or a file position
 * never come here.
 */
final class DirectAio {
    /** Whether the worker engine uses kernel AIO for O_DIRECT reads and writes, read when an engine is made. */
    public static final String PROP_NAME = "asys.workers.kaio";
    public static final boolean DEFAULT = false;
    /** Largest number of I/Os in flight in the context; past it, requests go to the workers. */
    static final int DEPTH = 256;
    private static final int BATCH = 64;
    private static final long WAIT_NANOS = 100_000_000L;

    /** What the engine does for this path. */
    interface Host {
        /** The request of {@code userData} still waiting for its result, or null. */
        Request<?> pending(long userData);

        /** Hands the result into the completion ring without a wake-up (the caller reaps next). */
        void postQuietly(Request<?> r, int res);

        /** Completes what the ring holds, if no one else is doing so. */
        void reap();

        /** Runs the request as its blocking call on a worker. */
        void toWorkers(Request<?> r);
    }

    private final Host host;
    private final long ctx;
    private final Thread reaper;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(() -> new Scratch(1));
    private volatile boolean stopping;
    /** Set by the reaper before it destroys the context: submitters go to the workers (Dekker with inFlight). */
    private volatile boolean gone;
    // The reaper's own: the requests its callbacks submitted while it reaped.
    private boolean collecting;
    private final Request<?>[] batch = new Request<?>[BATCH];
    private int batched;
    private Scratch reaperScratch;

    /** Native memory for one thread's calls: iocbs, their pointers, events. */
    private static final class Scratch {
        final Syscall sys = new Syscall();
        final MemorySegment iocbs;
        final MemorySegment pointers;
        final MemorySegment events;
        final MemorySegment timespec;

        Scratch(int n) {
            Arena arena = Arena.ofAuto();
            iocbs = arena.allocate((long) AioDescriptor.IOCB_SIZE * n, 8);
            pointers = arena.allocate(8L * n, 8);
            events = arena.allocate((long) AioDescriptor.EVENT_SIZE * n, 8);
            timespec = arena.allocate(AioDescriptor.TIMESPEC_SIZE, 8);
            for (int i = 0; i < n; i++) {
                pointers.setAtIndex(ValueLayout.JAVA_LONG, i, iocbs.address() + (long) AioDescriptor.IOCB_SIZE * i);
            }
        }
    }

    private DirectAio(Host host, long ctx) {
        this.host = host;
        this.ctx = ctx;
        this.reaper = Thread.ofPlatform().daemon().name("asys-aio").unstarted(this::reap);
    }

    /** Whether {@link #PROP_NAME} (default {@link #DEFAULT}) asks for this path. */
    static boolean wanted() {
        return Boolean.parseBoolean(System.getProperty(PROP_NAME, Boolean.toString(DEFAULT)));
    }

    /** The path, its reaper started; null when io_setup fails (then the workers do it all). */
    static DirectAio open(Host host) {
        long ctx = KernelAio.setup(new Syscall(), DEPTH);
        if (ctx < 0) {
            return null;
        }
        DirectAio aio = new DirectAio(host, ctx);
        aio.reaper.start();
        return aio;
    }

    /** Whether {@code r} can go this way: one plain positional read or write of an O_DIRECT file. */
    static boolean eligible(Request<?> r) {
        if (r.next != null || r.timeout != null || r.attrMask != 0) {
            return false;
        }
        return switch (r.op) {
            case Op.Read o -> o.handle().isDirectIo() && o.offset() >= 0 && o.rwFlags() == 0;
            case Op.Write o -> o.handle().isDirectIo() && o.offset() >= 0;
            default -> false;
        };
    }

    /** Whether the calling thread is the reaper (it must not wait for itself). */
    boolean onReaper() {
        return Thread.currentThread() == reaper;
    }

    /**
     * Submits an {@link #eligible} request that is in the engine's pending table; false when it
     * must go to the workers (the path is closing or full).
     */
    boolean submit(Request<?> r) {
        if (collecting && Thread.currentThread() == reaper) {
            batch[batched++] = r;
            if (batched == BATCH) {
                flush();
            }
            return true;
        }
        if (!enter(1)) {
            return false;
        }
        Scratch s = scratch.get();
        prep(s.iocbs, 0, r);
        int ret = (int) KernelAio.submit(s.sys, ctx, 1, s.pointers);
        if (ret != 1) {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Counts {@code n} I/Os in; false (nothing counted) when the path is gone or full. */
    private boolean enter(int n) {
        int before = inFlight.getAndAdd(n);
        if (gone || before + n > DEPTH) {
            inFlight.addAndGet(-n);
            return false;
        }
        if (before == 0 && Thread.currentThread() != reaper) {
            LockSupport.unpark(reaper);
        }
        return true;
    }

    /** Writes request {@code r} as the {@code i}-th iocb of {@code iocbs} (every field: the memory is reused). */
    private static void prep(MemorySegment iocbs, int i, Request<?> r) {
        MemorySegment buffer;
        long offset;
        int opcode;
        int fd;
        if (r.op instanceof Op.Read o) {
            buffer = o.buffer();
            offset = o.offset();
            fd = o.handle().fd();
            opcode = 0; // IOCB_CMD_PREAD
        } else {
            Op.Write o = (Op.Write) r.op;
            buffer = o.buffer();
            offset = o.offset();
            fd = o.handle().fd();
            opcode = 1; // IOCB_CMD_PWRITE
        }
        long at = (long) AioDescriptor.IOCB_SIZE * i;
        iocbs.set(ValueLayout.JAVA_LONG, at + AioDescriptor.IOCB_DATA, r.userData);
        iocbs.set(ValueLayout.JAVA_INT, at + AioDescriptor.IOCB_KEY, 0);
        // RWF_NOWAIT: what would put the submitter to sleep fails with EAGAIN (then a worker does it).
        iocbs.set(ValueLayout.JAVA_INT, at + AioDescriptor.IOCB_RW_FLAGS, IoUringAbi.RWF_NOWAIT);
        iocbs.set(ValueLayout.JAVA_SHORT, at + AioDescriptor.IOCB_LIO_OPCODE, (short) opcode);
        iocbs.set(ValueLayout.JAVA_SHORT, at + AioDescriptor.IOCB_REQPRIO, (short) 0);
        iocbs.set(ValueLayout.JAVA_INT, at + AioDescriptor.IOCB_FILDES, fd);
        iocbs.set(ValueLayout.JAVA_LONG, at + AioDescriptor.IOCB_BUF, buffer.address());
        iocbs.set(ValueLayout.JAVA_LONG, at + AioDescriptor.IOCB_NBYTES, buffer.byteSize());
        iocbs.set(ValueLayout.JAVA_LONG, at + AioDescriptor.IOCB_OFFSET, offset);
        iocbs.set(ValueLayout.JAVA_LONG, at + AioDescriptor.IOCB_RESERVED2, 0L);
        iocbs.set(ValueLayout.JAVA_INT, at + AioDescriptor.IOCB_FLAGS, 0);
        iocbs.set(ValueLayout.JAVA_INT, at + AioDescriptor.IOCB_RESFD, 0);
    }

    /** Reaper: submits what its callbacks asked for, in one io_submit; what the kernel refuses goes to the workers. */
    private void flush() {
        Scratch s = reaperScratch;
        int n = batched;
        batched = 0;
        int from = 0;
        if (n > 0 && !enter(n)) {
            from = n;
            for (int i = 0; i < n; i++) {
                toWorkers(i);
            }
        }
        while (from < n) {
            for (int i = from; i < n; i++) {
                prep(s.iocbs, i - from, batch[i]);
            }
            int ret = (int) KernelAio.submit(s.sys, ctx, n - from, s.pointers);
            if (ret < 0) {
                // The first one was refused (EAGAIN, EOPNOTSUPP, EBADF, EINVAL...): the blocking call says why.
                inFlight.decrementAndGet();
                toWorkers(from);
                from++;
            } else {
                for (int i = from; i < from + ret; i++) {
                    batch[i] = null;
                }
                from += ret;
            }
        }
    }

    private void toWorkers(int i) {
        Request<?> r = batch[i];
        batch[i] = null;
        host.toWorkers(r);
    }

    /** The reaper: waits for events, posts them, reaps the ring, submits the next batch; exits once closed and drained. */
    private void reap() {
        reaperScratch = new Scratch(BATCH);
        Scratch s = reaperScratch;
        while (true) {
            if (inFlight.get() == 0) {
                if (stopping) {
                    gone = true;
                    if (inFlight.get() == 0) {
                        break;
                    }
                    continue;
                }
                LockSupport.park(this);
                continue;
            }
            // Bounded wait: a count taken by a submit that then fails must not hold the reaper here.
            s.timespec.set(ValueLayout.JAVA_LONG, 0, 0);
            s.timespec.set(ValueLayout.JAVA_LONG, 8, WAIT_NANOS);
            int n = (int) KernelAio.getevents(s.sys, ctx, 1, BATCH, s.events, s.timespec);
            if (n <= 0) {
                continue; // timed out or EINTR
            }
            collecting = true;
            try {
                for (int i = 0; i < n; i++) {
                    long at = (long) AioDescriptor.EVENT_SIZE * i;
                    long userData = s.events.get(ValueLayout.JAVA_LONG, at + AioDescriptor.EVENT_DATA);
                    int res = (int) s.events.get(ValueLayout.JAVA_LONG, at + AioDescriptor.EVENT_RES);
                    Request<?> r = host.pending(userData);
                    if (r == null) {
                        continue;
                    }
                    if (res == -Errno.EAGAIN || res == -Errno.EOPNOTSUPP) {
                        // The I/O would have waited in the submitter (RWF_NOWAIT): the blocking call does it.
                        host.toWorkers(r);
                    } else {
                        host.postQuietly(r, res);
                    }
                }
                inFlight.addAndGet(-n);
                try {
                    host.reap();
                } catch (RuntimeException e) {
                    // A completion threw: the engine's dispatcher reaps what is left; the reaper lives on.
                }
            } finally {
                collecting = false;
            }
            flush();
        }
        KernelAio.destroy(s.sys, ctx);
    }

    /** Stops taking I/O and waits until every I/O in flight completed and the context is destroyed. */
    void close() {
        stopping = true;
        LockSupport.unpark(reaper);
        if (Thread.currentThread() != reaper) {
            try {
                reaper.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
