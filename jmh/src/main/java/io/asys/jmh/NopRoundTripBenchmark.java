package io.asys.jmh;

import io.asys.uring.CompletionHandler;
import io.asys.uring.IoUring;
import io.asys.uring.IoUringConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * NOP submit-and-reap round trips on the low-level ring, per NOP. Run with {@code -prof gc}: the
 * allocation rate per operation must be zero. The ring is single-issuer, so each JMH thread
 * (one here) creates its own ring in a thread-scoped state.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class NopRoundTripBenchmark {
    private static final int BATCH = 32;

    private IoUring ring;
    private long completed;
    private final CompletionHandler handler = (userData, res, flags) -> completed++;

    @Param({"1", "32"})
    int batch;

    @Setup(Level.Trial)
    public void open() throws Exception {
        ring = IoUring.open(IoUringConfig.defaults().withEntries(BATCH * 2));
    }

    @TearDown(Level.Trial)
    public void close() {
        ring.close();
    }

    @Benchmark
    @OperationsPerInvocation(1)
    public long roundTrip() {
        int n = batch;
        for (int i = 0; i < n; i++) {
            ring.getSqe().prepNop();
        }
        ring.submitAndWait(n);
        ring.reap(handler);
        return completed;
    }
}
