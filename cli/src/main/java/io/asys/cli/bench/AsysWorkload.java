package io.asys.cli.bench;

import io.asys.Asys;
import io.asys.FileDescriptors;
import io.asys.FileHandle;
import io.asys.Op;
import org.HdrHistogram.ConcurrentHistogram;

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
        result.elapsedNanos = run.lastCompletion.get() - run.start;
        result.ops = run.done.get();
        result.bytes = run.bytes.get();
        result.errors = run.errors.get();
        result.latency.add(run.latency);
        result.attributes = run.attributes;
        if (file != null) {
            asys.close(file).get();
        }
        return result;
    }

    /** The qd loops of one thread and their shared counters. */
    private final class Run {
        final BenchSpec spec;
        final FileHandle file;
        final int threadIndex;
        final Progress progress;
        final ConcurrentHistogram latency = new ConcurrentHistogram(3);
        final AttributeSummary attributes = AsysWorkload.this.attributes.isEmpty() ? null
                : new AttributeSummary(AsysWorkload.this.attributes);
        final AtomicLong issued = new AtomicLong();
        final AtomicLong done = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong lastCompletion = new AtomicLong();
        final CountDownLatch finished;
        final Op.Statx[] statx;
        final long blocks;
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
            this.deadline = start + Math.min(spec.durationNanos(), Long.MAX_VALUE - start);
            lastCompletion.set(start);
        }

        void start() {
            for (int i = 0; i < spec.qd(); i++) {
                MemorySegment buffer = spec.isNop() || spec.isMeta() ? null : Arena.ofAuto().allocate(spec.bs(), 4096);
                next(buffer, new java.util.SplittableRandom(31L * threadIndex + i));
            }
        }

        /**
         * Submits this loop's next operations until one is still in flight (its completion then
         * continues the loop) or the loop ends. Completions that arrive inline are handled here,
         * in a loop, so a long run of them never deepens the stack.
         */
        void next(MemorySegment buffer, java.util.SplittableRandom random) {
            while (true) {
                long n = issued.getAndIncrement();
                if (n >= spec.opsPerThread() || System.nanoTime() >= deadline) {
                    finished.countDown();
                    return;
                }
                long t0 = System.nanoTime();
                CompletableFuture<?> f = submit(n, buffer, random);
                if (!f.isDone()) {
                    f.whenComplete((r, t) -> {
                        record(t0, r, t, buffer);
                        recordAttributes(f);
                        next(buffer, random);
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
                record(t0, r, t, buffer);
                recordAttributes(f);
            }
        }

        private void recordAttributes(CompletableFuture<?> f) {
            if (attributes != null && f instanceof io.asys.AsysFuture<?> af) {
                attributes.record(af.attributes());
            }
        }

        private void record(long t0, Object r, Throwable t, MemorySegment buffer) {
            long now = System.nanoTime();
            latency.recordValue(Math.max(0, now - t0));
            if (t != null) {
                errors.incrementAndGet();
            } else if (r instanceof Integer count && buffer != null) {
                bytes.addAndGet(count);
            }
            lastCompletion.accumulateAndGet(now, Math::max);
            progress.update(threadIndex, done.incrementAndGet());
        }

        private CompletableFuture<?> submit(long n, MemorySegment buffer, java.util.SplittableRandom random) {
            if (spec.isNop()) {
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
            if (spec.op().equals("openclose")) {
                int k = (int) (n % spec.files());
                return asys.open(Path.of(MetaTree.file(spec.dir(), spec.files(), k)), 0, 0).thenCompose(asys::close);
            }
            long block = spec.isRandom() ? random.nextLong(blocks) : n % blocks;
            return spec.isWrite() ? asys.write(file, buffer, block * spec.bs()) : asys.read(file, buffer, block * spec.bs());
        }
    }
}
