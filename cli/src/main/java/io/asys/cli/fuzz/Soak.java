package io.asys.cli.fuzz;

import io.asys.Asys;
import io.asys.AsysFuture;
import io.asys.FileDescriptors;
import io.asys.FileHandle;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code asys fuzz --soak}: many threads submitting mixed operations (reads, writes, statx,
 * open and close, mkdir and rmdir, sleeps, cancellations), each thread keeping up to 16 in
 * flight, for a fixed time; every future must complete exactly once. Reports resident memory,
 * OS threads and open descriptors from /proc after a warm-up and at the end.
 */
final class Soak {
    private static final int WINDOW = 16;

    private Soak() {
    }

    static int run(List<String> engines, long seed, double seconds, int threads, Path parent, boolean json)
            throws Exception {
        int failures = 0;
        StringBuilder out = new StringBuilder();
        for (String engine : engines) {
            Path dir = Files.createTempDirectory(parent, "asys-soak-");
            AtomicLong ops = new AtomicLong();
            AtomicLong bad = new AtomicLong();
            long[] start;
            long[] end;
            StringBuilder samples = new StringBuilder();
            try (Asys asys = Asys.open(engine)) {
                Thread[] ts = new Thread[threads];
                long deadline = System.nanoTime() + (long) (seconds * 1e9);
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    ts[t] = Thread.ofPlatform().name("soak-" + t).start(() -> loop(asys, dir.resolve("t" + id), seed + id,
                            deadline, ops, bad));
                }
                Thread.sleep((long) Math.min(5000, seconds * 200));
                System.gc();
                start = sample();
                while (System.nanoTime() < deadline - 1_000_000_000L) {
                    Thread.sleep(Math.max(100, (long) (seconds * 100)));
                    long[] now = sample();
                    samples.append(samples.isEmpty() ? "" : ",").append("[").append(now[0]).append(",").append(now[1])
                            .append(",").append(now[2]).append("]");
                }
                for (Thread t : ts) {
                    t.join();
                }
                System.gc();
                end = sample();
            }
            long[] after = sample();
            failures += (int) bad.get();
            String r = String.format("{\"engine\":\"%s\",\"seconds\":%.0f,\"threads\":%d,\"ops\":%d,\"failures\":%d,"
                            + "\"rss_kb_start\":%d,\"rss_kb_end\":%d,\"os_threads_start\":%d,\"os_threads_end\":%d,"
                            + "\"fds_start\":%d,\"fds_end\":%d,\"fds_after_close\":%d,\"os_threads_after_close\":%d,"
                            + "\"samples_rss_threads_fds\":[%s]}",
                    engine, seconds, threads, ops.get(), bad.get(), start[0], end[0], start[1], end[1], start[2], end[2],
                    after[2], after[1], samples);
            out.append(out.isEmpty() ? "" : ",").append(r);
            if (!json) {
                System.out.println(r);
            }
        }
        if (json) {
            System.out.println("{\"soak\":[" + out + "],\"failures\":" + failures + "}");
        }
        return failures == 0 ? 0 : 1;
    }

    private static void loop(Asys asys, Path dir, long seed, long deadline, AtomicLong ops, AtomicLong bad) {
        Random rnd = new Random(seed);
        ArrayDeque<AsysFuture<?>> window = new ArrayDeque<>();
        try {
            Files.createDirectories(dir);
            Path file = Files.write(dir.resolve("f"), new byte[65_536]);
            FileHandle h = asys.open(file, FileDescriptors.O_RDWR, 0).get();
            MemorySegment buf = Arena.ofAuto().allocate(4096, 4096);
            while (System.nanoTime() < deadline) {
                AsysFuture<?> f = switch (rnd.nextInt(8)) {
                    case 0 -> asys.read(h, buf, 4096L * rnd.nextInt(16));
                    case 1 -> asys.write(h, buf, 4096L * rnd.nextInt(16));
                    case 2 -> asys.statx(file);
                    case 3 -> asys.open(file, FileDescriptors.O_RDONLY, 0);
                    case 4 -> asys.mkdir(dir.resolve("d" + rnd.nextInt(4)), 0755);
                    case 5 -> asys.rmdir(dir.resolve("d" + rnd.nextInt(4)));
                    case 6 -> asys.sleep(Duration.ofNanos(rnd.nextInt(200_000)));
                    default -> asys.nop();
                };
                if (rnd.nextInt(20) == 0) {
                    asys.cancel(f);
                }
                window.add(f);
                if (window.size() >= WINDOW) {
                    settle(asys, window.poll(), ops, bad);
                }
            }
            while (!window.isEmpty()) {
                settle(asys, window.poll(), ops, bad);
            }
            asys.close(h).get();
        } catch (Exception e) {
            bad.incrementAndGet();
            System.err.println("soak thread failed: " + e);
        }
    }

    private static void settle(Asys asys, AsysFuture<?> f, AtomicLong ops, AtomicLong bad) {
        try {
            Object v = f.handle((r, t) -> r).get(30, TimeUnit.SECONDS);
            if (v instanceof FileHandle opened) {
                asys.close(opened);
            }
        } catch (Exception e) {
            bad.incrementAndGet();
            System.err.println("soak: an operation did not complete within 30 s: " + e);
        }
        if (f.deliveries() != 1) {
            bad.incrementAndGet();
            System.err.println("soak: " + f.deliveries() + " deliveries");
        }
        ops.incrementAndGet();
    }

    /** {RSS in KiB, OS threads, open fds} of this process. */
    static long[] sample() throws IOException {
        long rss = -1;
        long threads = -1;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
            } else if (line.startsWith("Threads:")) {
                threads = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        String[] fds = new java.io.File("/proc/self/fd").list();
        return new long[] {rss, threads, fds == null ? -1 : fds.length};
    }
}
