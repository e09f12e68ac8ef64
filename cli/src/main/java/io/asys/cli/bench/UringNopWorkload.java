package io.asys.cli.bench;

import io.asys.uring.CompletionHandler;
import io.asys.uring.IoUring;
import io.asys.uring.IoUringConfig;

/**
 * NOP round trips on a private ring, as liburing's nop benchmarks do: prepare {@code batch}
 * NOPs, submit them and wait for all in one {@code io_uring_enter}, reap them.
 */
public final class UringNopWorkload implements Workload {
    @Override
    public ThreadResult run(BenchSpec spec, int threadIndex, Progress progress) throws Exception {
        int batch = spec.batch();
        ThreadResult result = new ThreadResult();
        IoUringConfig config = IoUringConfig.defaults().withEntries(Math.max(batch, 8)).withMaxInFlight(batch);
        try (IoUring ring = IoUring.open(config)) {
            result.detail = String.format("setup_flags=0x%x ring_fd_registered=%s", ring.setupFlags(),
                    ring.ringFdRegistered());
            long[] submitted = new long[1];
            long[] reaped = new long[1];
            CompletionHandler handler = (userData, res, flags) -> {
                if (res < 0) {
                    result.recordError(res);
                }
                result.recordLatency(reaped[0] - submitted[0]);
            };
            long limit = spec.opsPerThread();
            long start = System.nanoTime();
            long deadline = start + Math.min(spec.durationNanos(), Long.MAX_VALUE - start);
            long ops = 0;
            long now = start;
            while (now < deadline && ops < limit) {
                for (int i = 0; i < batch; i++) {
                    ring.getSqe().prepNop();
                }
                submitted[0] = now;
                int ret = ring.submitAndWait(batch);
                if (ret < 0) {
                    throw new IllegalStateException("io_uring_enter: " + io.asys.Errno.describe(ret));
                }
                now = System.nanoTime();
                reaped[0] = now;
                ops += ring.reap(handler);
                progress.update(threadIndex, ops);
            }
            result.ops = ops;
            result.elapsedNanos = now - start;
            result.flushLatency();
        }
        return result;
    }
}
