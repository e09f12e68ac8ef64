package io.asys.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Process CPU time (user and system) and OS thread count, read from /proc/self. */
public final class ProcessStats {
    /** USER_HZ, which is 100 on every Linux architecture asys runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessStats() {
    }

    /** {user seconds, system seconds} of this process so far. */
    public static double[] cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // Fields after the command name, which is in parentheses and may contain spaces.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new double[] {Long.parseLong(f[11]) / TICKS_PER_SECOND, Long.parseLong(f[12]) / TICKS_PER_SECOND};
        } catch (IOException e) {
            return new double[] {Double.NaN, Double.NaN};
        }
    }

    /** The number of OS threads of this process now. */
    public static int osThreads() {
        String[] tasks = new java.io.File("/proc/self/task").list();
        return tasks == null ? -1 : tasks.length;
    }

    /** Samples {@link #osThreads()} every few milliseconds on a daemon thread and keeps the maximum. */
    public static final class ThreadSampler implements AutoCloseable {
        private volatile boolean running = true;
        private volatile int max = osThreads();
        private final Thread thread;

        public ThreadSampler() {
            thread = Thread.ofPlatform().daemon().name("asys-thread-sampler").start(() -> {
                while (running) {
                    max = Math.max(max, osThreads());
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        public int max() {
            return Math.max(max, osThreads());
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
        }
    }
}
