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
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
            String[] engine = engineThread(asys);
            assertEquals(Integer.toString(cpu), engine[1], "the engine thread's CPUs");

            FileHandle file = fileSyncedOnAWorker(asys, arena);
            List<String> workers = workerCpus(engine[0]);
            assertFalse(workers.isEmpty(), "the fsync ran on an io-wq worker of the engine's ring");
            for (String cpus : workers) {
                assertEquals(Integer.toString(cpu), cpus, "an io-wq worker's CPUs");
            }
            asys.close(file).get(5, TimeUnit.SECONDS);
        }
    }

    /** A file written and fsynced: fsync always runs on an io-wq worker of the ring, so one exists now. */
    private FileHandle fileSyncedOnAWorker(Asys asys, Arena arena) throws Exception {
        FileHandle file = asys.open(dir.resolve("f"), FileDescriptors.O_RDWR | FileDescriptors.O_CREAT, 0644)
                .get(5, TimeUnit.SECONDS);
        MemorySegment bytes = arena.allocate(4096);
        asys.write(file, bytes, 0).get(5, TimeUnit.SECONDS);
        asys.fsync(file).get(5, TimeUnit.SECONDS);
        return file;
    }

    /** The engine thread's id and CPU list, asked on that thread (a timeout's completion runs its callback there). */
    private static String[] engineThread(Asys asys) throws Exception {
        Path self = Path.of("/proc/thread-self/status");
        return asys.sleep(Duration.ofMillis(20))
                .thenApply(v -> new String[] {field(self, "Pid"), field(self, "Cpus_allowed_list")})
                .get(5, TimeUnit.SECONDS);
    }

    /** The CPU lists of the io-wq workers of engine thread {@code tid}. */
    private static List<String> workerCpus(String tid) {
        List<String> cpus = new ArrayList<>();
        for (int worker : CpuAffinity.ioWorkersOf(Integer.parseInt(tid))) {
            try {
                cpus.add(field(Path.of("/proc/self/task/" + worker + "/status"), "Cpus_allowed_list"));
            } catch (java.io.UncheckedIOException gone) {
                // exited after the scan
            }
        }
        return cpus;
    }

    @Test
    void moveToPinsARunningEngineAndItsWorkersAndMovesThemBack() throws Exception {
        assumeTrue(IoUringSupport.isAvailable(), "io_uring unavailable");
        int[] allowed = CpuAffinity.allowed();
        assumeTrue(allowed.length > 1, "one CPU: pinned and unpinned look the same");
        int cpu = allowed[allowed.length - 1];
        try (Asys asys = Asys.open("uring"); Arena arena = Arena.ofConfined()) {
            String[] before = engineThread(asys);
            String everywhere = before[1];
            assertFalse(everywhere.equals(Integer.toString(cpu)), "unpinned at first: " + everywhere);
            // A worker that exists before the move must move too (the kernel leaves it where it is).
            FileHandle file = fileSyncedOnAWorker(asys, arena);
            assertFalse(workerCpus(before[0]).isEmpty(), "the fsync started an io-wq worker");

            asys.moveTo(cpu).get(5, TimeUnit.SECONDS);
            assertEquals(Integer.toString(cpu), engineThread(asys)[1], "the engine thread after moveTo");
            asys.fsync(file).get(5, TimeUnit.SECONDS);
            List<String> pinned = workerCpus(before[0]);
            assertFalse(pinned.isEmpty());
            for (String cpus : pinned) {
                assertEquals(Integer.toString(cpu), cpus, "an io-wq worker after moveTo");
            }

            asys.moveTo(IoUringConfig.CPU_ANY).get(5, TimeUnit.SECONDS);
            assertEquals(everywhere, engineThread(asys)[1], "the engine thread after moving back");
            asys.fsync(file).get(5, TimeUnit.SECONDS);
            for (String cpus : workerCpus(before[0])) {
                assertEquals(everywhere, cpus, "an io-wq worker after moving back");
            }
            asys.close(file).get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void moveToACpuTheProcessMayNotUseFailsWithEinvalAndLeavesTheEngineWorking() throws Exception {
        assumeTrue(IoUringSupport.isAvailable(), "io_uring unavailable");
        int[] allowed = CpuAffinity.allowed();
        int outside = allowed[allowed.length - 1] + 1;
        assumeTrue(outside < 1024, "every CPU a mask can name is allowed here");
        try (Asys asys = Asys.open("uring")) {
            var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> asys.moveTo(outside).get(5, TimeUnit.SECONDS));
            ErrnoException errno = assertInstanceOf(ErrnoException.class, e.getCause());
            assertEquals("EINVAL", errno.errnoName());
            asys.nop().get(5, TimeUnit.SECONDS);
            assertThrows(IllegalArgumentException.class, () -> asys.moveTo(-2));
        }
        try (Asys workers = Asys.open("workers")) {
            workers.moveTo(0).get(5, TimeUnit.SECONDS);
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
