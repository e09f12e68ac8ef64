package io.asys;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regression: the worker engine's dispatcher once read its eventfd with pread, which fails at
 * once with ESPIPE, so it never slept and burned a core. An idle engine must use no CPU.
 */
class WorkerEngineIdleTest {
    @Test
    void anIdleWorkerEngineSleeps(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[100]);
        try (Asys asys = Asys.open("workers")) {
            // A statx of a fresh path may go to a worker; either way the dispatcher has run once.
            asys.mkdir(dir.resolve("d"), 0755).get(5, TimeUnit.SECONDS);
            asys.statx(file).get(5, TimeUnit.SECONDS);
            Path task = dispatcherTask();
            long before = cpuTicks(task);
            Thread.sleep(500);
            long used = cpuTicks(task) - before;
            assertTrue(used < 5, "idle dispatcher used " + used + " ticks (10 ms each) of CPU in 500 ms");
        }
    }

    /** The /proc task directory of the dispatcher thread (its comm is its name). */
    private static Path dispatcherTask() throws Exception {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                if (Files.readString(t.resolve("comm")).trim().equals("asys-dispatcher")) {
                    return t;
                }
            }
        }
        throw new AssertionError("no asys-dispatcher thread");
    }

    /** utime + stime of a thread, in clock ticks. */
    private static long cpuTicks(Path task) throws Exception {
        String stat = Files.readString(task.resolve("stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
