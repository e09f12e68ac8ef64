package io.asys.jmh;

import io.asys.Asys;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The typed API's thread-safe submission path (lock-free MPSC queue into one engine thread that
 * owns the ring): NOPs submitted 32 at a time and awaited, from 1 and from 4 submitting threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class TypedApiBenchmark {
    private static final int BATCH = 32;
    private Asys asys;

    @Setup(Level.Trial)
    public void open() throws Exception {
        asys = Asys.open();
    }

    @TearDown(Level.Trial)
    public void close() {
        asys.close();
    }

    @State(Scope.Thread)
    public static class Futures {
        final CompletableFuture<?>[] pending = new CompletableFuture<?>[BATCH];
    }

    private void batch(Futures f) {
        for (int i = 0; i < BATCH; i++) {
            f.pending[i] = asys.nop();
        }
        for (int i = 0; i < BATCH; i++) {
            f.pending[i].join();
        }
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BATCH)
    public void nopOneThread(Futures f) {
        batch(f);
    }

    @Benchmark
    @Threads(4)
    @OperationsPerInvocation(BATCH)
    public void nopFourThreads(Futures f) {
        batch(f);
    }
}
