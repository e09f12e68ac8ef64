package io.asys.jmh;

import io.asys.Asys;
import io.asys.Attribute;
import io.asys.AsysFuture;
import io.asys.FileDescriptors;
import io.asys.FileHandle;
import io.asys.Op;
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

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What per-operation attributes cost: cached 4 KiB reads through the typed API, 32 in flight,
 * with none, with LATENCY alone, and with LATENCY + CACHE + PATH, on each engine.
 * {@code bench/jmh.sh Attributes -prof gc} also shows the bytes allocated per read.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class AttributesBenchmark {
    private static final int BATCH = 32;

    @Param({"uring", "workers"})
    public String engine;

    @Param({"none", "latency", "latency,cache,path"})
    public String attributes;

    private Asys asys;
    private FileHandle file;
    private Set<Attribute> wanted;
    private final MemorySegment[] buffers = new MemorySegment[BATCH];
    private final AsysFuture<?>[] pending = new AsysFuture<?>[BATCH];

    @Setup(Level.Trial)
    public void open() throws Exception {
        asys = Asys.open(engine);
        Path data = Files.createTempFile("asys-attrs", ".dat");
        Files.write(data, new byte[BATCH * 4096]);
        file = asys.open(data, FileDescriptors.O_RDONLY, 0).get();
        Files.delete(data);
        wanted = attributes.equals("none") ? Set.of() : Attribute.parse(attributes);
        for (int i = 0; i < BATCH; i++) {
            buffers[i] = Arena.ofAuto().allocate(4096, 4096);
        }
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        asys.close(file).get();
        asys.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void cachedReads() {
        for (int i = 0; i < BATCH; i++) {
            Op.Read read = new Op.Read(file, buffers[i], i * 4096L);
            pending[i] = wanted.isEmpty() ? asys.submit(read) : asys.submit(read, wanted);
        }
        for (int i = 0; i < BATCH; i++) {
            pending[i].join();
        }
    }
}
