package io.asys.jmh;

import io.asys.FileDescriptors;
import io.asys.uring.CompletionHandler;
import io.asys.uring.FixedBuffers;
import io.asys.uring.IoUring;
import io.asys.uring.IoUringConfig;
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

import static io.asys.uring.IoUringAbi.IOSQE_FIXED_FILE;

/**
 * 4 KiB reads from a page-cached 64 MiB file: one read per invocation, with a plain buffer
 * ({@code read}) and with a registered buffer and file ({@code readFixed}). {@code -prof gc}
 * shows the allocation per operation (zero expected).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ReadBenchmark {
    private static final int BS = 4096;
    private static final long FILE_SIZE = 64L << 20;

    @Param("")
    String file;

    private Path path;
    private int fd;
    private IoUring ring;
    private FixedBuffers fixed;
    private MemorySegment buffer;
    private long offset;
    private long bytes;
    private final CompletionHandler handler = (userData, res, flags) -> bytes += res;

    @Setup(Level.Trial)
    public void open() throws Exception {
        path = file.isEmpty() ? Files.createTempFile("asys-jmh", ".dat") : Path.of(file);
        if (Files.size(path) < FILE_SIZE) {
            Files.write(path, new byte[(int) FILE_SIZE]);
        }
        fd = FileDescriptors.open(path, FileDescriptors.O_RDONLY, 0);
        ring = IoUring.open(IoUringConfig.defaults().withEntries(8));
        fixed = ring.registerBuffers(1, BS);
        ring.registerFiles(fd);
        buffer = Arena.ofAuto().allocate(BS, 4096);
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        ring.close();
        FileDescriptors.close(fd);
        if (file.isEmpty()) {
            Files.deleteIfExists(path);
        }
    }

    private long nextOffset() {
        offset = (offset + 7 * BS) % FILE_SIZE;
        return offset;
    }

    @Benchmark
    public long read() {
        ring.getSqe().prepRead(fd, buffer, nextOffset());
        ring.submitAndWait(1);
        ring.reap(handler);
        return bytes;
    }

    @Benchmark
    public long readFixed() {
        ring.getSqe().prepReadFixed(0, fixed, 0, 0, BS, nextOffset()).flags(IOSQE_FIXED_FILE);
        ring.submitAndWait(1);
        ring.reap(handler);
        return bytes;
    }
}
