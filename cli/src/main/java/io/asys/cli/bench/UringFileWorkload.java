package io.asys.cli.bench;

import io.asys.FileDescriptors;
import io.asys.uring.CompletionHandler;
import io.asys.uring.FixedBuffers;
import io.asys.uring.IoUring;
import io.asys.uring.IoUringConfig;
import io.asys.uring.Sqe;

import static io.asys.uring.IoUringAbi.IOSQE_FIXED_FILE;

/**
 * Reads or writes of {@code bs} bytes at random or sequential offsets, {@code qd} in flight,
 * {@code batch} prepared entries per submit, through registered buffers and a registered file
 * (fio's {@code --fixedbufs --registerfiles}). The buffer of an operation is the one whose index
 * equals its slot, so nothing is looked up per operation.
 */
public final class UringFileWorkload implements Workload {
    @Override
    public ThreadResult run(BenchSpec spec, int threadIndex, Progress progress) throws Exception {
        int qd = spec.qd();
        int bs = spec.bs();
        int flags = (spec.isWrite() ? FileDescriptors.O_RDWR : FileDescriptors.O_RDONLY)
                | (spec.direct() ? FileDescriptors.O_DIRECT : 0);
        int fd = FileDescriptors.open(spec.file(), flags, 0);
        ThreadResult result = new ThreadResult();
        IoUringConfig config = IoUringConfig.defaults().withEntries(Math.max(qd, 8)).withMaxInFlight(qd);
        try (IoUring ring = IoUring.open(config)) {
            result.detail = String.format("setup_flags=0x%x ring_fd_registered=%s", ring.setupFlags(),
                    ring.ringFdRegistered());
            FixedBuffers buffers = ring.registerBuffers(qd, bs);
            if (spec.isWrite()) {
                fill(buffers, threadIndex);
            }
            ring.registerFiles(fd);
            Loop loop = new Loop(spec, ring, buffers, result, threadIndex);
            loop.run(progress);
        } finally {
            FileDescriptors.close(fd);
        }
        return result;
    }

    private static void fill(FixedBuffers buffers, int seed) {
        var random = new java.util.SplittableRandom(seed);
        for (int i = 0; i < buffers.count(); i++) {
            var b = buffers.buffer(i);
            for (long o = 0; o + 8 <= b.byteSize(); o += 8) {
                b.set(java.lang.foreign.ValueLayout.JAVA_LONG, o, random.nextLong());
            }
        }
    }

    /** The submit/reap loop of one thread; fields instead of locals so the handler allocates nothing. */
    private static final class Loop implements CompletionHandler {
        private final BenchSpec spec;
        private final IoUring ring;
        private final FixedBuffers buffers;
        private final ThreadResult result;
        private final int threadIndex;
        private final long[] submitNanos;
        private final long blocks;
        private long random;
        private long nextBlock;
        private long reapNanos;

        Loop(BenchSpec spec, IoUring ring, FixedBuffers buffers, ThreadResult result, int threadIndex) {
            this.spec = spec;
            this.ring = ring;
            this.buffers = buffers;
            this.result = result;
            this.threadIndex = threadIndex;
            this.submitNanos = new long[spec.qd()];
            this.blocks = Math.max(1, spec.size() / spec.bs());
            this.random = 0x9E3779B97F4A7C15L * (threadIndex + 1);
            this.nextBlock = blocks * threadIndex / Math.max(1, spec.threads());
        }

        private long nextOffset() {
            if (!spec.isRandom()) {
                long b = nextBlock;
                nextBlock = b + 1 == blocks ? 0 : b + 1;
                return b * spec.bs();
            }
            // xorshift64: cheap, allocation-free, good enough to spread offsets.
            long x = random;
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            random = x;
            return Long.remainderUnsigned(x, blocks) * spec.bs();
        }

        void run(Progress progress) {
            int qd = spec.qd();
            int batch = spec.batch();
            boolean write = spec.isWrite();
            int bs = spec.bs();
            long limit = spec.opsPerThread();
            long start = System.nanoTime();
            long deadline = start + Math.min(spec.durationNanos(), Long.MAX_VALUE - start);
            long issued = 0;
            long now = start;
            while (true) {
                boolean issuing = now < deadline && issued < limit;
                int prepared = 0;
                while (issuing && ring.inFlight() < qd && issued < limit) {
                    Sqe sqe = ring.getSqe();
                    if (sqe == null) {
                        break;
                    }
                    int slot = IoUring.slotIndex(sqe.userData());
                    if (write) {
                        sqe.prepWriteFixed(0, buffers, slot, 0, bs, nextOffset());
                    } else {
                        sqe.prepReadFixed(0, buffers, slot, 0, bs, nextOffset());
                    }
                    sqe.flags(IOSQE_FIXED_FILE);
                    submitNanos[slot] = now;
                    issued++;
                    if (++prepared == batch) {
                        EnterResults.check(ring.submit());
                        prepared = 0;
                    }
                }
                if (ring.inFlight() == 0) {
                    break;
                }
                EnterResults.check(ring.submitAndWait(1));
                now = System.nanoTime();
                reapNanos = now;
                ring.reap(this);
                progress.update(threadIndex, result.ops);
            }
            result.elapsedNanos = now - start;
            result.flushLatency();
        }

        @Override
        public void onCompletion(long userData, int res, int flags) {
            result.ops++;
            if (res < 0) {
                result.recordError(res);
            } else {
                result.bytes += res;
            }
            result.recordLatency(reapNanos - submitNanos[IoUring.slotIndex(userData)]);
        }
    }
}
