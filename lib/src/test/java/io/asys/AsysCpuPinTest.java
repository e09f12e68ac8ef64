package io.asys;

import io.asys.uring.CpuAffinity;
import io.asys.uring.IoUringConfig;
import io.asys.uring.IoUringSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link Asys#open(String, int)}: the io_uring engine's thread and the io-wq workers of its ring
 * run on the CPU asked for, as the kernel reports in {@code /proc} ({@code Cpus_allowed_list});
 * a CPU the process may not use is refused with EINVAL naming the call; the worker engine ignores
 * the CPU; a CPU outside any mask is refused before the kernel.
 */
class AsysCpuPinTest {
    @TempDir
    Path dir;

    /** A line of a {@code /proc} status file, without its name. */
    private static String field(Path status, String name) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(name + ":")) {
                    return line.substring(name.length() + 1).trim();
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError(name + " not in " + status);
    }

    @Test
    void theEngineThreadAndItsIoWorkersRunOnTheCpuAskedFor() throws Exception {
        assumeTrue(IoUringSupport.isAvailable(), "io_uring unavailable");
        int[] allowed = CpuAffinity.allowed();
        assertTrue(allowed.length > 0, "this process may run somewhere");
        int cpu = allowed[allowed.length - 1];
        try (Asys asys = Asys.open("uring", cpu); Arena arena = Arena.ofConfined()) {
            // A timeout's completion runs its callback on the engine thread: ask that thread who it is.
            Path self = Path.of("/proc/thread-self/status");
            String[] engine = asys.sleep(Duration.ofMillis(50))
                    .thenApply(v -> new String[] {field(self, "Pid"), field(self, "Cpus_allowed_list")})
                    .get(5, TimeUnit.SECONDS);
            assertEquals(Integer.toString(cpu), engine[1], "the engine thread's CPUs");

            // fsync always runs on an io-wq worker of the ring: once it has, that worker exists.
            FileHandle file = asys.open(dir.resolve("f"), FileDescriptors.O_RDWR | FileDescriptors.O_CREAT, 0644)
                    .get(5, TimeUnit.SECONDS);
            MemorySegment bytes = arena.allocate(4096);
            asys.write(file, bytes, 0).get(5, TimeUnit.SECONDS);
            asys.fsync(file).get(5, TimeUnit.SECONDS);
            List<String> workers = new ArrayList<>();
            try (var tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : tasks.toList()) {
                    String comm;
                    try {
                        comm = Files.readString(task.resolve("comm")).trim();
                    } catch (IOException gone) {
                        continue;
                    }
                    if (comm.equals("iou-wrk-" + engine[0])) {
                        workers.add(field(task.resolve("status"), "Cpus_allowed_list"));
                    }
                }
            }
            assertFalse(workers.isEmpty(), "the fsync ran on an io-wq worker of the engine's ring");
            for (String cpus : workers) {
                assertEquals(Integer.toString(cpu), cpus, "an io-wq worker's CPUs");
            }
            asys.close(file).get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCpuTheProcessMayNotUseIsRefusedWithEinval() throws Exception {
        assumeTrue(IoUringSupport.isAvailable(), "io_uring unavailable");
        int[] allowed = CpuAffinity.allowed();
        int outside = allowed[allowed.length - 1] + 1;
        assumeTrue(outside < 1024, "every CPU a mask can name is allowed here");
        ErrnoException e = assertThrows(ErrnoException.class, () -> Asys.open("uring", outside).close());
        assertEquals("EINVAL", e.errnoName());
        assertTrue(e.getMessage().contains("sched_setaffinity(cpu " + outside + ")"), e.getMessage());
    }

    @Test
    void theWorkerEngineIgnoresTheCpu() throws Exception {
        try (Asys asys = Asys.open("workers", 0)) {
            assertEquals("workers", asys.engine());
            asys.nop().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCpuNoMaskCanNameIsRefusedBeforeTheKernel() {
        assertThrows(IllegalArgumentException.class, () -> IoUringConfig.defaults().withCpu(-2));
        assertThrows(IllegalArgumentException.class, () -> IoUringConfig.defaults().withCpu(1024));
        assertEquals(IoUringConfig.CPU_ANY, IoUringConfig.defaults().cpu());
        assertThrows(IllegalArgumentException.class, () -> Asys.open("no-such-engine", 0), "an unknown engine with a CPU");
    }
}
