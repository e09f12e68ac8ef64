package io.asys.jmh;

import io.asys.Asys;
import io.asys.FileDescriptors;
import io.asys.Op;
import io.asys.Statx;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The typed metadata path, 32 operations submitted then awaited per invocation: statx of
 * prebuilt operations ({@code statx}) and open + {@code thenCompose(close)} ({@code openClose}),
 * on the route {@code asys.statx} names ({@code lookup}: the lookup threads; {@code uring}: the
 * ring). {@code -prof gc} gives the bytes allocated per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class MetadataBenchmark {
    private static final int BATCH = 32;

    @Param({"lookup", "uring"})
    String statxRoute;

    private Asys asys;
    private Path dir;
    private Path[] paths;
    private Op.Statx[] statx;
    private final CompletableFuture<?>[] pending = new CompletableFuture<?>[BATCH];
    private int next;

    @Setup(Level.Trial)
    public void open() throws Exception {
        System.setProperty(Asys.STATX_PROP_NAME, statxRoute);
        asys = Asys.open("uring");
        dir = Files.createTempDirectory("asys-jmh-meta");
        paths = new Path[1024];
        statx = new Op.Statx[paths.length];
        for (int i = 0; i < paths.length; i++) {
            paths[i] = Files.write(dir.resolve("f" + i), new byte[i]);
            statx[i] = new Op.Statx(paths[i], 0, Statx.STATX_BASIC_STATS);
        }
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        asys.close();
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
        Files.deleteIfExists(dir);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void statx() {
        for (int i = 0; i < BATCH; i++) {
            pending[i] = asys.submit(statx[next++ & (statx.length - 1)]);
        }
        for (int i = 0; i < BATCH; i++) {
            pending[i].join();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void openClose() {
        for (int i = 0; i < BATCH; i++) {
            pending[i] = asys.open(paths[next++ & (paths.length - 1)], FileDescriptors.O_RDONLY, 0).thenCompose(asys::close);
        }
        for (int i = 0; i < BATCH; i++) {
            pending[i].join();
        }
    }
}
