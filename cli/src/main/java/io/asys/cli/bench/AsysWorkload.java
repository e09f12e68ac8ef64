package io.asys.cli.bench;

import io.asys.Asys;
import io.asys.FileDescriptors;
import io.asys.FileHandle;
import io.asys.Op;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bench through the typed API ({@link Asys}) on a chosen engine, as an asynchronous program
 * runs: {@code qd} independent loops, each submitting its next operation from the completion of
 * the one before (on the engine's thread, or inline), until the time or the count is reached.
 * Runs nop, read, write, randread, randwrite, statx and openclose.
 */
public final class AsysWorkload implements Workload {
    private final String engine;
    private final java.util.Set<io.asys.Attribute> attributes;
    private Asys asys;

    public AsysWorkload(String engine) {
        this(engine, java.util.Set.of());
    }

    /** With {@code attributes} asked for on every operation and summarised in the result. */
    public AsysWorkload(String engine, java.util.Set<io.asys.Attribute> attributes) {
        this.engine = engine;
        this.attributes = attributes;
    }

    @Override
    public void prepare(BenchSpec spec) throws Exception {
        asys = Asys.open(engine);
        asys.defaultAttributes(attributes);
    }

    @Override
    public void release() {
        if (asys != null) {
            asys.close();
        }
    }

    @Override
    public ThreadResult run(BenchSpec spec, int threadIndex, Progress progress) throws Exception {
        ThreadResult result = new ThreadResult();
        result.detail = "engine=" + asys.engine() + (asys.engineCause() == null ? "" : " (" + asys.engineCause() + ")");
        FileHandle file = null;
        if (!spec.isNop() && !spec.isMeta()) {
            int flags = (spec.isWrite() ? FileDescriptors.O_RDWR : FileDescriptors.O_RDONLY)
                    | (spec.direct() ? FileDescriptors.O_DIRECT : 0);
            file = asys.open(spec.file(), flags, 0).get();
        }
        Run run = new Run(spec, file, threadIndex, progress);
        run.start();
        run.finished.await();
        result.elapsedNanos = Math.max(run.lastCompletion.get(), run.ownLast) - run.start;
        result.ops = run.done.get() + run.ownDone;
        result.bytes = run.bytes.get() + run.ownBytes;
        result.errors = run.errors.get() + run.ownErrors;
        result.latency.add(run.latency);
        result.latency.add(run.ownLatency);
        result.attributes = run.attributes;
        if (file != null) {
            asys.close(file).get();
        }
        return result;
    }

    /**
     * The qd loops of one thread and their counters. Completions on the bench thread itself (all
     * of them when reads complete inline) are counted in plain fields and a plain histogram, as
     * a synchronous loop would; those on engine threads in atomics and a concurrent histogram.
     * Each operation's latency runs from just before its submission to just after its completion;
     * one clock reading ends one operation and starts the next.
     */
    private final class Run {
        final BenchSpec spec;
        final FileHandle file;
        final int threadIndex;
        final Progress progress;
        final Thread owner = Thread.currentThread();
        final ConcurrentHistogram latency = new ConcurrentHistogram(3);
        final AttributeSummary attributes = AsysWorkload.this.attributes.isEmpty() ? null
                : new AttributeSummary(AsysWorkload.this.attributes);
        final AtomicLong issued = new AtomicLong();
        final AtomicLong done = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong lastCompletion = new AtomicLong();
        /** Owner-thread counters (read by the owner after {@link #finished}). */
        final Histogram ownLatency = new Histogram(3);
        long ownDone;
        long ownBytes;
        long ownErrors;
        long ownLast;
        final CountDownLatch finished;
        final Op.Statx[] statx;
        final long blocks;
        // The job's kind, decided once (not per operation).
        final boolean nop;
        final boolean openClose;
        final boolean random;
        final boolean write;
        final long opsPerThread;
        final long start = System.nanoTime();
        final long deadline;

        Run(BenchSpec spec, FileHandle file, int threadIndex, Progress progress) {
            this.spec = spec;
            this.file = file;
            this.threadIndex = threadIndex;
            this.progress = progress;
            this.finished = new CountDownLatch(spec.qd());
            this.statx = spec.op().equals("statx") ? new Op.Statx[spec.files()] : null;
            this.blocks = Math.max(1, spec.size() / spec.bs());
            this.nop = spec.isNop();
            this.openClose = spec.op().equals("openclose");
            this.random = spec.isRandom();
            this.write = spec.isWrite();
            this.opsPerThread = spec.opsPerThread();
            this.deadline = start + Math.min(spec.durationNanos(), Long.MAX_VALUE - start);
            lastCompletion.set(start);
            ownLast = start;
        }

        void start() {
            for (int i = 0; i < spec.qd(); i++) {
                MemorySegment buffer = spec.isNop() || spec.isMeta() ? null : Arena.ofAuto().allocate(spec.bs(), 4096);
                next(buffer, new java.util.SplittableRandom(31L * threadIndex + i), System.nanoTime());
            }
        }

        /**
         * Submits this loop's next operations until one is still in flight (its completion then
         * continues the loop) or the loop ends. Completions that arrive inline are handled here,
         * in a loop, so a long run of them never deepens the stack. {@code now}: the clock just read.
         */
        void next(MemorySegment buffer, java.util.SplittableRandom random, long now) {
            boolean own = Thread.currentThread() == owner;
            while (true) {
                long n = issued.getAndIncrement();
                if (n >= opsPerThread || now >= deadline) {
                    finished.countDown();
                    return;
                }
                long t0 = now;
                CompletableFuture<?> f = submit(n, buffer, random);
                if (!f.isDone()) {
                    f.whenComplete((r, t) -> {
                        long end = System.nanoTime();
                        record(t0, end, r, t, buffer);
                        recordAttributes(f);
                        next(buffer, random, end);
                    });
                    return;
                }
                Object r = null;
                Throwable t = null;
                try {
                    r = f.join();
                } catch (RuntimeException e) {
                    t = e;
                }
                now = System.nanoTime();
                if (own) {
                    recordOwn(t0, now, r, t, buffer);
                } else {
                    record(t0, now, r, t, buffer);
                }
                recordAttributes(f);
            }
        }

        private void recordAttributes(CompletableFuture<?> f) {
            if (attributes != null && f instanceof io.asys.AsysFuture<?> af) {
                attributes.record(af.attributes());
            }
        }

        private void record(long t0, long now, Object r, Throwable t, MemorySegment buffer) {
            latency.recordValue(Math.max(0, now - t0));
            if (t != null) {
                errors.incrementAndGet();
            } else if (r instanceof Integer count && buffer != null) {
                bytes.addAndGet(count);
            }
            lastCompletion.accumulateAndGet(now, Math::max);
            progress.update(threadIndex, done.incrementAndGet() + ownDone);
        }

        /** {@link #record} on the owner thread: no atomics. */
        private void recordOwn(long t0, long now, Object r, Throwable t, MemorySegment buffer) {
            ownLatency.recordValue(Math.max(0, now - t0));
            if (t != null) {
                ownErrors++;
            } else if (r instanceof Integer count && buffer != null) {
                ownBytes += count;
            }
            ownLast = Math.max(ownLast, now);
            progress.update(threadIndex, ++ownDone + done.get());
        }

        private CompletableFuture<?> submit(long n, MemorySegment buffer, java.util.SplittableRandom random) {
            if (nop) {
                return asys.nop();
            }
            if (statx != null) {
                int k = (int) (n % spec.files());
                Op.Statx op = statx[k];
                if (op == null) {
                    op = new Op.Statx(Path.of(MetaTree.file(spec.dir(), spec.files(), k)), 0, 0x7ff);
                    statx[k] = op;
                }
                return asys.submit(op);
            }
            if (openClose) {
                int k = (int) (n % spec.files());
                return asys.open(Path.of(MetaTree.file(spec.dir(), spec.files(), k)), 0, 0).thenCompose(asys::close);
            }
            long block = this.random ? random.nextLong(blocks) : n % blocks;
            return write ? asys.write(file, buffer, block * spec.bs()) : asys.read(file, buffer, block * spec.bs());
        }
    }
}
