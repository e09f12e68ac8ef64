package io.asys.cli.bench;

import io.asys.Asys;
import io.asys.FileDescriptors;
import io.asys.FileHandle;
import io.asys.Op;
import org.HdrHistogram.ConcurrentHistogram;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bench through the typed API ({@link Asys}) on a chosen engine: {@code qd} operations in
 * flight from one submitting thread, each slot's buffer reused. Completions arrive on the engine's
 * thread, or inline on this one (the worker engine's page-cache reads), so counters are atomic.
 * Runs nop, read, write, randread, randwrite, statx and openclose.
 */
public final class AsysWorkload implements Workload {
    private final String engine;
    private Asys asys;

    public AsysWorkload(String engine) {
        this.engine = engine;
    }

    @Override
    public void prepare(BenchSpec spec) throws Exception {
        asys = Asys.open(engine);
    }

    @Override
    public void release() {
        if (asys != null) {
            asys.close();
        }
    }

    @Override
    public ThreadResult run(BenchSpec spec, int threadIndex, Progress progress) throws Exception {
        int qd = spec.qd();
        ThreadResult result = new ThreadResult();
        result.detail = "engine=" + asys.engine() + (asys.engineCause() == null ? "" : " (" + asys.engineCause() + ")");
        FileHandle file = null;
        if (!spec.isNop() && !spec.isMeta()) {
            int flags = (spec.isWrite() ? FileDescriptors.O_RDWR : FileDescriptors.O_RDONLY)
                    | (spec.direct() ? FileDescriptors.O_DIRECT : 0);
            file = asys.open(spec.file(), flags, 0).get();
        }
        MemorySegment[] buffers = new MemorySegment[qd];
        ArrayBlockingQueue<Integer> free = new ArrayBlockingQueue<>(qd);
        for (int i = 0; i < qd; i++) {
            buffers[i] = spec.isNop() || spec.isMeta() ? null : Arena.ofAuto().allocate(spec.bs(), 4096);
            free.add(i);
        }
        Op.Statx[] statx = spec.op().equals("statx") ? new Op.Statx[spec.files()] : null;
        ConcurrentHistogram latency = new ConcurrentHistogram(3);
        AtomicLong done = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long blocks = Math.max(1, spec.size() / spec.bs());
        long random = 0x9E3779B97F4A7C15L * (threadIndex + 1);
        long limit = spec.opsPerThread();
        long start = System.nanoTime();
        long deadline = start + Math.min(spec.durationNanos(), Long.MAX_VALUE - start);
        long issued = 0;
        while (issued < limit && System.nanoTime() < deadline) {
            int slot = free.take();
            long t0 = System.nanoTime();
            java.util.concurrent.CompletableFuture<?> f;
            if (spec.isNop()) {
                f = asys.nop();
            } else if (statx != null) {
                int k = (int) (issued % spec.files());
                if (statx[k] == null) {
                    statx[k] = new Op.Statx(Path.of(MetaTree.file(spec.dir(), spec.files(), k)), 0, 0x7ff);
                }
                f = asys.submit(statx[k]);
            } else if (spec.op().equals("openclose")) {
                int k = (int) (issued % spec.files());
                f = asys.open(Path.of(MetaTree.file(spec.dir(), spec.files(), k)), 0, 0).thenCompose(asys::close);
            } else {
                long block;
                if (spec.isRandom()) {
                    random ^= random << 13;
                    random ^= random >>> 7;
                    random ^= random << 17;
                    block = Long.remainderUnsigned(random, blocks);
                } else {
                    block = issued % blocks;
                }
                f = spec.isWrite() ? asys.write(file, buffers[slot], block * spec.bs())
                        : asys.read(file, buffers[slot], block * spec.bs());
            }
            issued++;
            f.whenComplete((r, t) -> {
                latency.recordValue(Math.max(0, System.nanoTime() - t0));
                if (t != null) {
                    errors.incrementAndGet();
                } else if (r instanceof Integer n) {
                    bytes.addAndGet(n);
                }
                done.incrementAndGet();
                free.add(slot);
            });
            progress.update(threadIndex, done.get());
        }
        while (free.size() < qd) {
            Thread.onSpinWait();
        }
        result.elapsedNanos = System.nanoTime() - start;
        result.ops = done.get();
        result.bytes = spec.isNop() || spec.isMeta() ? 0 : bytes.get();
        result.errors = errors.get();
        result.latency.add(latency);
        if (file != null) {
            asys.close(file).get();
        }
        return result;
    }
}
