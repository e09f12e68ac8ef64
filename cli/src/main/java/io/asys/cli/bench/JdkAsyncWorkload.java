package io.asys.cli.bench;

import com.sun.nio.file.ExtendedOpenOption;
import org.HdrHistogram.ConcurrentHistogram;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JDK's own asynchronous file I/O as a peer: {@link AsynchronousFileChannel} with {@code qd}
 * reads or writes outstanding per thread, each completion handler issuing the next. On Linux the
 * channel runs blocking {@code pread}/{@code pwrite} on a thread pool ({@code qd} threads here), so
 * this measures what a Java program gets today without asys. Runs read, write, randread, randwrite.
 */
public final class JdkAsyncWorkload implements Workload {
    @Override
    public ThreadResult run(BenchSpec spec, int threadIndex, Progress progress) throws Exception {
        Set<OpenOption> options = new HashSet<>();
        options.add(spec.isWrite() ? StandardOpenOption.WRITE : StandardOpenOption.READ);
        if (spec.direct()) {
            options.add(ExtendedOpenOption.DIRECT);
        }
        ExecutorService pool = Executors.newFixedThreadPool(spec.qd(),
                Thread.ofPlatform().daemon().name("asys-bench-jdk-async-", 0).factory());
        ThreadResult result = new ThreadResult();
        result.detail = "AsynchronousFileChannel on a pool of " + spec.qd() + " threads";
        try (AsynchronousFileChannel channel = AsynchronousFileChannel.open(spec.file(), options, pool)) {
            Run run = new Run(spec, channel, threadIndex, progress);
            for (int i = 0; i < spec.qd(); i++) {
                ByteBuffer buffer = ByteBuffer.allocateDirect(spec.bs() + 4096).alignedSlice(4096).limit(spec.bs());
                run.next(buffer, new SplittableRandom(31L * threadIndex + i));
            }
            run.finished.await();
            result.elapsedNanos = run.lastCompletion.get() - run.start;
            result.ops = run.done.get();
            result.bytes = run.bytes.get();
            result.errors = run.errors.get();
            result.latency.add(run.latency);
        } finally {
            pool.shutdown();
        }
        return result;
    }

    /** The qd loops of one thread: each completion records itself and issues its loop's next operation. */
    private static final class Run {
        final BenchSpec spec;
        final AsynchronousFileChannel channel;
        final int threadIndex;
        final Progress progress;
        final ConcurrentHistogram latency = new ConcurrentHistogram(3);
        final AtomicLong issued = new AtomicLong();
        final AtomicLong done = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong lastCompletion = new AtomicLong();
        final CountDownLatch finished;
        final long blocks;
        final long start = System.nanoTime();
        final long deadline;

        Run(BenchSpec spec, AsynchronousFileChannel channel, int threadIndex, Progress progress) {
            this.spec = spec;
            this.channel = channel;
            this.threadIndex = threadIndex;
            this.progress = progress;
            this.finished = new CountDownLatch(spec.qd());
            this.blocks = Math.max(1, spec.size() / spec.bs());
            this.deadline = start + Math.min(spec.durationNanos(), Long.MAX_VALUE - start);
            lastCompletion.set(start);
        }

        void next(ByteBuffer buffer, SplittableRandom random) {
            long n = issued.getAndIncrement();
            if (n >= spec.opsPerThread() || System.nanoTime() >= deadline) {
                finished.countDown();
                return;
            }
            long block = spec.isRandom() ? random.nextLong(blocks) : n % blocks;
            buffer.clear().limit(spec.bs());
            long t0 = System.nanoTime();
            CompletionHandler<Integer, Void> handler = new CompletionHandler<>() {
                @Override
                public void completed(Integer count, Void attachment) {
                    record(t0, count);
                    next(buffer, random);
                }

                @Override
                public void failed(Throwable t, Void attachment) {
                    errors.incrementAndGet();
                    record(t0, 0);
                    next(buffer, random);
                }
            };
            if (spec.isWrite()) {
                channel.write(buffer, block * spec.bs(), null, handler);
            } else {
                channel.read(buffer, block * spec.bs(), null, handler);
            }
        }

        private void record(long t0, int count) {
            long now = System.nanoTime();
            latency.recordValue(Math.max(0, now - t0));
            bytes.addAndGet(count);
            lastCompletion.accumulateAndGet(now, Math::max);
            progress.update(threadIndex, done.incrementAndGet());
        }
    }
}
