package io.asys.cli.bench;

import io.asys.Asys;
import io.asys.Errno;
import io.asys.FileDescriptors;
import io.asys.kaio.IoContext;
import io.asys.kaio.IoEvent;
import io.asys.kaio.Iocb;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Reads or writes through a KAIO context as a libaio program does (fio's {@code ioengine=libaio}):
 * {@code qd} iocbs, each with its own buffer and its index as the cookie, refilled and submitted
 * in batches of {@code batch} from the events {@code getEvents(1, qd)} returns. {@code kaio} is the
 * kernel's AIO, {@code kaio-asys} asys's KAIO on the default engine. Also measures the time spent
 * inside submit: the kernel runs buffered I/O there, synchronously.
 */
public final class KaioWorkload implements Workload {
    private final boolean kernel;
    private Asys asys;

    public KaioWorkload(boolean kernel) {
        this.kernel = kernel;
    }

    @Override
    public void prepare(BenchSpec spec) throws Exception {
        if (!kernel) {
            asys = Asys.open();
        }
    }

    @Override
    public void release() {
        if (asys != null) {
            asys.close();
        }
    }

    @Override
    public ThreadResult run(BenchSpec spec, int threadIndex, Progress progress) throws Exception {
        int flags = (spec.isWrite() ? FileDescriptors.O_RDWR : FileDescriptors.O_RDONLY)
                | (spec.direct() ? FileDescriptors.O_DIRECT : 0);
        int fd = FileDescriptors.open(spec.file(), flags, 0);
        ThreadResult result = new ThreadResult();
        IoContext ctx = kernel ? IoContext.setupKernel(spec.qd()) : IoContext.setup(asys, spec.qd());
        try {
            Loop loop = new Loop(spec, ctx, fd, result, threadIndex);
            loop.run(progress);
            result.detail = String.format("backend=%s submit_calls=%d submit_ns_per_op=%.0f time_in_submit=%.1f%%",
                    ctx.backend(), loop.submitCalls, (double) loop.submitNanos / Math.max(1, result.ops),
                    100.0 * loop.submitNanos / Math.max(1, result.elapsedNanos));
        } finally {
            ctx.destroy();
            FileDescriptors.close(fd);
        }
        return result;
    }

    /** One thread's submit/reap loop. */
    private static final class Loop {
        private final BenchSpec spec;
        private final IoContext ctx;
        private final int fd;
        private final ThreadResult result;
        private final int threadIndex;
        private final Iocb[] iocbs;
        private final MemorySegment[] buffers;
        private final long[] started;
        private final Iocb[] pending;
        private final IoEvent[] events;
        private final long blocks;
        private long random;
        private long nextBlock;
        long submitNanos;
        long submitCalls;

        Loop(BenchSpec spec, IoContext ctx, int fd, ThreadResult result, int threadIndex) {
            this.spec = spec;
            this.ctx = ctx;
            this.fd = fd;
            this.result = result;
            this.threadIndex = threadIndex;
            int qd = spec.qd();
            iocbs = new Iocb[qd];
            buffers = new MemorySegment[qd];
            started = new long[qd];
            pending = new Iocb[qd];
            events = new IoEvent[qd];
            Arena arena = Arena.ofAuto();
            for (int i = 0; i < qd; i++) {
                iocbs[i] = new Iocb();
                buffers[i] = arena.allocate(spec.bs(), 4096);
            }
            blocks = Math.max(1, spec.size() / spec.bs());
            random = 0x9E3779B97F4A7C15L * (threadIndex + 1);
            nextBlock = blocks * threadIndex / Math.max(1, spec.threads());
        }

        private long nextOffset() {
            if (!spec.isRandom()) {
                long b = nextBlock;
                nextBlock = b + 1 == blocks ? 0 : b + 1;
                return b * spec.bs();
            }
            long x = random;
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            random = x;
            return Long.remainderUnsigned(x, blocks) * spec.bs();
        }

        void run(Progress progress) {
            int qd = spec.qd();
            long limit = spec.opsPerThread();
            long start = System.nanoTime();
            long deadline = start + Math.min(spec.durationNanos(), Long.MAX_VALUE - start);
            long issued = 0;
            int inFlight = 0;
            int npending = 0;
            int[] free = new int[qd];
            int nfree = qd;
            for (int i = 0; i < qd; i++) {
                free[i] = qd - 1 - i;
            }
            long now = start;
            while (true) {
                while (nfree > 0 && now < deadline && issued < limit) {
                    int slot = free[--nfree];
                    Iocb cb = iocbs[slot];
                    if (spec.isWrite()) {
                        cb.prepPwrite(fd, buffers[slot], spec.bs(), nextOffset());
                    } else {
                        cb.prepPread(fd, buffers[slot], spec.bs(), nextOffset());
                    }
                    cb.data(slot);
                    started[slot] = now;
                    pending[npending++] = cb;
                    issued++;
                    if (npending == spec.batch()) {
                        inFlight += submit(npending);
                        npending = 0;
                    }
                }
                if (npending > 0) {
                    inFlight += submit(npending);
                    npending = 0;
                }
                if (inFlight == 0) {
                    break;
                }
                int n = ctx.getEvents(1, qd, events, null);
                if (n < 0) {
                    throw new IllegalStateException("io_getevents: " + Errno.describe(n));
                }
                now = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    IoEvent e = events[i];
                    int slot = (int) e.data();
                    result.ops++;
                    if (e.res() < 0) {
                        result.recordError((int) e.res());
                    } else {
                        result.bytes += e.res();
                    }
                    result.recordLatency(now - started[slot]);
                    free[nfree++] = slot;
                    events[i] = null;
                }
                inFlight -= n;
                progress.update(threadIndex, result.ops);
            }
            result.elapsedNanos = now - start;
            result.flushLatency();
        }

        /** Submits {@code n} pending iocbs, all of them (a short count is retried with the rest). */
        private int submit(int n) {
            int done = 0;
            while (done < n) {
                Iocb[] rest = done == 0 ? pending : java.util.Arrays.copyOfRange(pending, done, n);
                long t0 = System.nanoTime();
                int r = ctx.submit(n - done, rest);
                submitNanos += System.nanoTime() - t0;
                submitCalls++;
                if (r < 0) {
                    throw new IllegalStateException("io_submit: " + Errno.describe(r));
                }
                done += r;
            }
            return n;
        }
    }
}
