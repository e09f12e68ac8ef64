package io.asys.jmh;

import io.asys.Asys;
import io.asys.FileDescriptors;
import io.asys.FileHandle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
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
import java.util.concurrent.TimeUnit;

/**
 * 4 KiB reads of a page-cached 64 MiB file through the typed API ({@code asys.read(...).join()})
 * on one engine, one read per invocation: the cost of the inline (page-cache) read path.
 * {@code -prof gc} shows the bytes allocated per read.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class WorkerReadBenchmark {
    private static final int BS = 4096;
    private static final long FILE_SIZE = 64L << 20;

    @Param("")
    String file;

    @Param({"workers"})
    String engine;

    private Path path;
    private Asys asys;
    private FileHandle handle;
    private MemorySegment buffer;
    private long offset;

    @Setup(Level.Trial)
    public void open() throws Exception {
        path = file.isEmpty() ? Files.createTempFile("asys-jmh", ".dat") : Path.of(file);
        if (Files.size(path) < FILE_SIZE) {
            Files.write(path, new byte[(int) FILE_SIZE]);
        }
        asys = Asys.open(engine);
        handle = asys.open(path, FileDescriptors.O_RDONLY, 0).join();
        buffer = Arena.ofAuto().allocate(BS, 4096);
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        asys.close(handle).join();
        asys.close();
        if (file.isEmpty()) {
            Files.deleteIfExists(path);
        }
    }

    @Benchmark
    public int read() {
        offset = (offset + 7 * BS) % FILE_SIZE;
        return asys.read(handle, buffer, offset).join();
    }
}
