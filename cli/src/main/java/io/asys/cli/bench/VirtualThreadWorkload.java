package io.asys.cli.bench;

import io.asys.Asys;
import io.asys.Blocking;
import io.asys.Errors;
import io.asys.FileDescriptors;
import io.asys.FileHandle;
import org.HdrHistogram.ConcurrentHistogram;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Blocking reads and writes on {@code --threads} virtual threads, one operation in flight each:
 * {@code vt} through asys's blocking facade ({@link Blocking}: the virtual thread parks, no OS
 * thread is held), {@code jdk-vt} through one shared JDK {@link FileChannel} (each blocked read
 * holds an OS thread). The bench runs this workload on one runner thread, which starts them all.
 */
public final class VirtualThreadWorkload implements Workload {
    private final boolean asysFacade;
    private Asys asys;

    public VirtualThreadWorkload(String engine) {
        this.asysFacade = engine.equals("vt");
    }

    @Override
    public void prepare(BenchSpec spec) throws Exception {
        if (asysFacade) {
            asys = Asys.open();
        }
    }

    @Override
    public void release() {
        if (asys != null) {
            asys.close();
        }
    }

    /** One virtual thread's blocking operation. */
    private interface Io {
        int run(long offset) throws Exception;
    }

    @Override
    public ThreadResult run(BenchSpec spec, int threadIndex, Progress progress) throws Exception {
        ThreadResult result = new ThreadResult();
        FileHandle handle = null;
        FileChannel channel = null;
        Blocking io = null;
        if (asysFacade) {
            io = Blocking.of(asys);
            int flags = (spec.isWrite() ? FileDescriptors.O_RDWR : FileDescriptors.O_RDONLY)
                    | (spec.direct() ? FileDescriptors.O_DIRECT : 0);
            handle = io.open(spec.file(), flags, 0);
            result.detail = "engine=" + asys.engine() + ", blocking facade on virtual threads";
        } else {
            Set<OpenOption> options = new HashSet<>();
            options.add(spec.isWrite() ? StandardOpenOption.WRITE : StandardOpenOption.READ);
            if (spec.direct()) {
                options.add(com.sun.nio.file.ExtendedOpenOption.DIRECT);
            }
            channel = FileChannel.open(spec.file(), options);
            result.detail = "JDK FileChannel on virtual threads";
        }
        ConcurrentHistogram latency = new ConcurrentHistogram(3);
        LongAdder ops = new LongAdder();
        LongAdder bytes = new LongAdder();
        LongAdder errors = new LongAdder();
        AtomicInteger firstError = new AtomicInteger();
        long blocks = Math.max(1, spec.size() / spec.bs());
        long start = System.nanoTime();
        long deadline = start + Math.min(spec.durationNanos(), Long.MAX_VALUE - start);
        long perThread = spec.ops() > 0 ? Math.max(1, spec.ops() / spec.threads()) : Long.MAX_VALUE;
        List<Thread> threads = new ArrayList<>(spec.threads());
        for (int t = 0; t < spec.threads(); t++) {
            Io op = operation(spec, io, handle, channel);
            SplittableRandom random = new SplittableRandom(31L * t + 7);
            long first = (long) t * blocks / spec.threads();
            threads.add(Thread.ofVirtual().start(() -> {
                for (long n = 0; n < perThread && System.nanoTime() < deadline; n++) {
                    long block = spec.isRandom() ? random.nextLong(blocks) : (first + n) % blocks;
                    long t0 = System.nanoTime();
                    try {
                        bytes.add(op.run(block * spec.bs()));
                    } catch (Exception e) {
                        errors.increment();
                        int errno = Errors.errnoOf(e);
                        firstError.compareAndSet(0, errno == 0 ? -5 : -errno);
                    }
                    latency.recordValue(Math.max(0, System.nanoTime() - t0));
                    ops.increment();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        result.elapsedNanos = System.nanoTime() - start;
        result.ops = ops.sum();
        result.bytes = bytes.sum();
        result.errors = errors.sum();
        result.firstError = firstError.get();
        result.latency.add(latency);
        progress.update(threadIndex, result.ops);
        if (handle != null) {
            io.close(handle);
        }
        if (channel != null) {
            channel.close();
        }
        return result;
    }

    /** A per-thread operation with its own aligned buffer. */
    private static Io operation(BenchSpec spec, Blocking io, FileHandle handle, FileChannel channel) {
        MemorySegment segment = Arena.ofAuto().allocate(spec.bs(), 4096);
        if (io != null) {
            return spec.isWrite() ? offset -> io.write(handle, segment, offset) : offset -> io.read(handle, segment, offset);
        }
        ByteBuffer buffer = segment.asByteBuffer();
        return spec.isWrite() ? offset -> channel.write(buffer.clear(), offset) : offset -> channel.read(buffer.clear(), offset);
    }
}
