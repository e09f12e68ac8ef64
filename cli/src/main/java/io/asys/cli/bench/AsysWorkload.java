package io.asys.cli.bench;

import io.asys.Asys;
import io.asys.FileDescriptors;
import io.asys.FileHandle;
import io.asys.Op;
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

    /** statx: one operation per file of the tree, built before the run (operations are immutable, reusable). */
    private Op.Statx[] statx;
    /** statx with --batch N: one request per N consecutive files, built before the run. */
    private Op.StatxAll[] statxBatches;
    /** openclose: the files' paths, built before the run, as the peers build theirs. */
    private Path[] paths;

    @Override
    public void prepare(BenchSpec spec) throws Exception {
        asys = Asys.open(engine);
        asys.defaultAttributes(attributes);
        if (spec.op().equals("statx") && spec.batch() > 1) {
            statxBatches = new Op.StatxAll[spec.files() / spec.batch()];
            for (int b = 0; b < statxBatches.length; b++) {
                java.util.List<Path> files = new java.util.ArrayList<>(spec.batch());
                for (int k = b * spec.batch(); k < (b + 1) * spec.batch(); k++) {
                    files.add(Path.of(MetaTree.file(spec.dir(), spec.files(), k)));
                }
                statxBatches[b] = new Op.StatxAll(files, 0, 0x7ff);
            }
        } else if (spec.op().equals("statx")) {
            statx = new Op.Statx[spec.files()];
            for (int k = 0; k < statx.length; k++) {
                statx[k] = new Op.Statx(Path.of(MetaTree.file(spec.dir(), spec.files(), k)), 0, 0x7ff);
            }
        } else if (spec.op().equals("openclose")) {
            paths = new Path[spec.files()];
            for (int k = 0; k < paths.length; k++) {
                paths[k] = Path.of(MetaTree.file(spec.dir(), spec.files(), k));
            }
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
        result.elapsedNanos = run.lastCompletion() - run.start;
        result.ops = run.done();
        result.bytes = run.bytes();
        result.errors = run.errors();
        progress.update(threadIndex, result.ops);
        run.mergeLatency(result.latency);
        result.attributes = run.attributes;
        if (file != null) {
            asys.close(file).get();
        }
        return result;
    }

    /**
     * The qd loops of one thread. Each loop keeps its own counters (a loop runs one operation at
     * a time, on whichever thread completes the last one; each step happens-before the next
     * through its future), merged once all loops ended: no counter is shared between threads per
     * operation, as the peers' own loops share none. Latencies go to one histogram per thread
     * that completes operations ({@link #latencyHere}), as each peer thread has one: with one per
     * loop, 16 loops per lookup thread at qd 32 spread their queueing-long latencies over 16
     * histograms' worth of cache lines, and the statx job lost 5-24% of its IOPS to it (three
     * same-run pairs against the job with no latency recorded).
     */
    private final class Run {
        final BenchSpec spec;
        final FileHandle file;
        final int threadIndex;
        final Progress progress;
        /** Every histogram {@link #latencyHere} made, merged once all loops ended. */
        final java.util.List<Histogram> latencies = new java.util.concurrent.CopyOnWriteArrayList<>();
        /**
         * The completing thread's own histogram. A loop's last record happens-before its end
         * (its next submission or the latch), so the merge sees every value.
         */
        final ThreadLocal<Histogram> latencyHere = ThreadLocal.withInitial(() -> {
            Histogram h = new Histogram(3);
            latencies.add(h);
            return h;
        });
        final AttributeSummary attributes = AsysWorkload.this.attributes.isEmpty() ? null
                : new AttributeSummary(AsysWorkload.this.attributes);
        /** Operations started, only when a count (not the time) ends the run. */
        final AtomicLong issued = new AtomicLong();
        final boolean counted;
        /** Completed operations, added per loop every {@link #PROGRESS_STEP}, for the progress line. */
        final AtomicLong progressed = new AtomicLong();
        final CountDownLatch finished;
        final Loop[] loops;
        final long blocks;
        final long start = System.nanoTime();
        final long deadline;
        /** System calls one request makes: a statx batch makes one per path, the rest one. */
        final int callsPerRequest;

        Run(BenchSpec spec, FileHandle file, int threadIndex, Progress progress) {
            this.spec = spec;
            this.file = file;
            this.threadIndex = threadIndex;
            this.progress = progress;
            this.finished = new CountDownLatch(spec.qd());
            this.counted = spec.opsPerThread() != Long.MAX_VALUE;
            this.blocks = Math.max(1, spec.size() / spec.bs());
            this.deadline = start + Math.min(spec.durationNanos(), Long.MAX_VALUE - start);
            this.loops = new Loop[spec.qd()];
            this.callsPerRequest = statxBatches != null ? spec.batch() : 1;
        }

        void start() {
            for (int i = 0; i < spec.qd(); i++) {
                MemorySegment buffer = spec.isNop() || spec.isMeta() ? null : Arena.ofAuto().allocate(spec.bs(), 4096);
                loops[i] = new Loop(buffer, new java.util.SplittableRandom(31L * threadIndex + i),
                        threadIndex * spec.qd() + i, spec.qd() * spec.threads());
            }
            for (Loop loop : loops) {
                loop.next();
            }
        }

        long done() {
            long n = 0;
            for (Loop l : loops) {
                n += l.done;
            }
            return n;
        }

        long bytes() {
            long n = 0;
            for (Loop l : loops) {
                n += l.bytes;
            }
            return n;
        }

        long errors() {
            long n = 0;
            for (Loop l : loops) {
                n += l.errors;
            }
            return n;
        }

        long lastCompletion() {
            long t = start;
            for (Loop l : loops) {
                t = Math.max(t, l.last);
            }
            return t;
        }

        void mergeLatency(Histogram into) {
            for (Histogram h : latencies) {
                into.add(h);
            }
        }

        private static final int PROGRESS_STEP = 1024;

        /** One of the qd independent loops: its next file, its buffer, its own counters. */
        final class Loop {
            final MemorySegment buffer;
            final java.util.SplittableRandom random;
            final int step;
            long k;
            /** Metadata ops: this loop's own contiguous share of the tree [from, to), walked in order (see {@link #share}). */
            final long from;
            final long to;
            long done;
            long bytes;
            long errors;
            long last;
            long t0;

            Loop(MemorySegment buffer, java.util.SplittableRandom random, int first, int step) {
                this.buffer = buffer;
                this.random = random;
                this.step = step;
                long items = metaItems();
                if (items >= step && !INTERLEAVED_META) {
                    from = items * first / step;
                    to = items * (first + 1) / step;
                    this.k = from;
                } else {
                    from = to = -1;
                    this.k = first;
                }
            }

            /**
             * The index of this loop's next operation. Metadata ops: each loop walks its own
             * contiguous share of the files, as each thread of the {@code jdk-pool} job walks its
             * own (the queue-depth loops are this job's threads). Interleaving them instead (loop
             * {@code i} taking files {@code i, i + qd, ...}) has the two CPUs stat neighbouring
             * files of one directory at the same moment; docs/performance.md has both figures.
             * Data ops: interleaved, so a sequential job reads the file in order.
             */
            private long share() {
                long n = k;
                if (from >= 0) {
                    k = n + 1 == to ? from : n + 1;
                } else {
                    k += step;
                }
                return n;
            }

            /**
             * Submits this loop's next operations until one is still in flight (its completion then
             * continues the loop) or the loop ends. Completions that arrive inline are handled here,
             * in a loop, so a long run of them never deepens the stack.
             */
            void next() {
                next(System.nanoTime());
            }

            /**
             * As {@link #next()}, at {@code now}: the clock read that recorded the last completion
             * also stamps the next submission and checks the deadline (one read per operation,
             * as the JDK loops do).
             */
            private void next(long now) {
                while (true) {
                    long n = share();
                    if (counted && issued.getAndAdd(callsPerRequest) >= spec.opsPerThread() || now >= deadline) {
                        finished.countDown();
                        return;
                    }
                    t0 = now;
                    CompletableFuture<?> f = submit(n, buffer, random);
                    if (!f.isDone()) {
                        f.whenComplete((r, t) -> {
                            long at = record(r, t);
                            recordAttributes(f);
                            next(at);
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
                    now = record(r, t);
                    recordAttributes(f);
                }
            }

            /** Records a completion; returns the time it read. */
            private long record(Object r, Throwable t) {
                long now = System.nanoTime();
                latencyHere.get().recordValue(Math.max(0, now - t0));
                if (t != null) {
                    errors++;
                } else if (r instanceof Integer count && buffer != null) {
                    bytes += count;
                }
                last = now;
                long calls = 1;
                if (r instanceof io.asys.StatxResults batch) {
                    // A batch is batch.size() statx calls (paths that failed count as errors, as single ones do).
                    calls = batch.size();
                    for (int i = 0; i < batch.size(); i++) {
                        errors += batch.succeeded(i) ? 0 : 1;
                    }
                }
                long before = done;
                done += calls;
                if (done / PROGRESS_STEP != before / PROGRESS_STEP) {
                    progress.update(threadIndex, progressed.addAndGet(done / PROGRESS_STEP * PROGRESS_STEP
                            - before / PROGRESS_STEP * PROGRESS_STEP));
                }
                return now;
            }
        }

        private void recordAttributes(CompletableFuture<?> f) {
            if (attributes != null && f instanceof io.asys.AsysFuture<?> af) {
                attributes.record(af.attributes());
            }
        }

        /** {@code -Dasys.bench.metaOrder=interleaved}: the metadata loops interleave (for comparison). */
        private static final boolean INTERLEAVED_META = "interleaved".equals(System.getProperty("asys.bench.metaOrder"));

        /** How many distinct metadata operations the tree gives (files, or batches of them); 0 for data ops. */
        private long metaItems() {
            return statx != null ? statx.length : statxBatches != null ? statxBatches.length : paths != null ? paths.length : 0;
        }

        private CompletableFuture<?> submit(long n, MemorySegment buffer, java.util.SplittableRandom random) {
            if (spec.isNop()) {
                return asys.nop();
            }
            if (statx != null) {
                return asys.submit(statx[(int) (n % statx.length)]);
            }
            if (statxBatches != null) {
                return asys.submit(statxBatches[(int) (n % statxBatches.length)]);
            }
            if (paths != null) {
                return asys.open(paths[(int) (n % paths.length)], 0, 0).thenCompose(asys::close);
            }
            long block = spec.isRandom() ? random.nextLong(blocks) : n % blocks;
            return spec.isWrite() ? asys.write(file, buffer, block * spec.bs()) : asys.read(file, buffer, block * spec.bs());
        }
    }
}
