package io.asys.cli.demo;

import io.asys.Asys;
import io.asys.ErrnoException;
import io.asys.FileDescriptors;
import io.asys.RawCall;
import io.asys.Statx;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** The steps of {@code asys demo}, in order; a coming feature replaces its {@link DemoStep#notYetBuilt} entry. */
final class DemoSteps {
    private DemoSteps() {
    }

    static List<DemoStep> all() {
        return List.of(
                step("an asynchronous getpid (a raw system call by number)", DemoSteps::getpid),
                step("a chain: open + read + close in one submission", DemoSteps::chain),
                step("per-operation attributes: a page-cache hit and a miss", DemoSteps::attributes),
                step("cancellation", DemoSteps::cancellation),
                step("virtual threads: blocking code, few OS threads", DemoSteps::virtualThreads),
                step("KAIO: io_setup / io_submit / io_getevents on the generic engine", DemoSteps::kaio),
                step("the fallback engine", DemoSteps::fallback));
    }

    /** The body of a step that is built. */
    interface Body {
        void run(Asys asys, Path dir, PrintStream out) throws Exception;
    }

    static DemoStep step(String title, Body body) {
        return new DemoStep() {
            @Override
            public String title() {
                return title;
            }

            @Override
            public void run(Asys asys, Path dir, PrintStream out) throws Exception {
                body.run(asys, dir, out);
            }
        };
    }

    private static void getpid(Asys asys, Path dir, PrintStream out) {
        asys.syscall(RawCall.of("getpid")).join();  // first use starts the raw-call workers
        long t0 = System.nanoTime();
        CompletableFuture<Long> pid = asys.syscall(RawCall.of("getpid"));
        long submitted = System.nanoTime();
        out.printf("  submitted getpid (nr %d) in %,d ns, the caller went on; result %d (this JVM is %d)%n",
                RawCall.of("getpid").number(), submitted - t0, pid.join(), ProcessHandle.current().pid());
        try {
            asys.syscall(RawCall.of("exit_group").arg(0)).join();
        } catch (CompletionException e) {
            out.println("  exit_group is refused by the whitelist: " + e.getCause().getMessage());
        }
    }

    private static void chain(Asys asys, Path dir, PrintStream out) throws Exception {
        Path file = dir.resolve("hello.txt");
        Files.writeString(file, "hello from a syslet\n");
        MemorySegment buffer = Arena.ofAuto().allocate(64);
        int n = asys.readFile(file, buffer).get();
        String text = new String(buffer.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                StandardCharsets.UTF_8).strip();
        out.printf("  read %d bytes: \"%s\"%n", n, text);
        try {
            asys.readFile(dir.resolve("missing.txt"), buffer).join();
        } catch (CompletionException e) {
            out.println("  on a missing file the chain stops at its first step: "
                    + e.getCause().getMessage());
        }
    }

    private static void attributes(Asys asys, Path dir, PrintStream out) throws Exception {
        Path file = dir.resolve("attributes.dat");
        Files.write(file, new byte[256 * 1024]);
        var handle = asys.open(file, FileDescriptors.O_RDONLY, 0).get();
        MemorySegment buffer = Arena.ofAuto().allocate(256 * 1024, 4096);
        var wanted = java.util.EnumSet.of(io.asys.Attribute.LATENCY, io.asys.Attribute.CACHE, io.asys.Attribute.PATH);
        var hot = asys.submit(new io.asys.Op.Read(handle, buffer, 0), wanted);
        hot.get();
        out.println("  just written, read back: " + hot.attributes());
        int fadvDontneed = 4;
        asys.fdatasync(handle).get();
        asys.fadvise(handle, 0, 0, fadvDontneed).get();
        var cold = asys.submit(new io.asys.Op.Read(handle, buffer, 0), wanted);
        cold.get();
        out.println("  after POSIX_FADV_DONTNEED:  " + cold.attributes());
        asys.close(handle).get();
    }

    private static void virtualThreads(Asys asys, Path dir, PrintStream out) throws Exception {
        Path file = dir.resolve("vt.dat");
        Files.write(file, new byte[1 << 20]);
        var handle = asys.open(file, FileDescriptors.O_RDONLY, 0).get();
        io.asys.Blocking blocking = io.asys.Blocking.of(asys);
        int threads = 2000;
        java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicInteger maxOsThreads = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch parked = new java.util.concurrent.CountDownLatch(threads);
        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < threads; t++) {
                int index = t;
                executor.submit(() -> {
                    MemorySegment buffer = Arena.ofAuto().allocate(4096, 4096);
                    parked.countDown();
                    for (int i = 0; i < 20; i++) {
                        blocking.read(handle, buffer, (long) ((index + i) % 256) * 4096); // plain blocking code
                        reads.incrementAndGet();
                    }
                    maxOsThreads.accumulateAndGet(osThreads(), Math::max);
                    return null;
                });
            }
        }
        asys.close(handle).get();
        out.printf("  %,d virtual threads did %,d blocking reads through asys; the JVM had at most %d OS threads%n",
                threads, reads.get(), maxOsThreads.get());
    }

    private static int osThreads() {
        String[] tasks = new java.io.File("/proc/self/task").list();
        return tasks == null ? -1 : tasks.length;
    }

    private static void kaio(Asys asys, Path dir, PrintStream out) throws Exception {
        Path file = dir.resolve("kaio.dat");
        Files.writeString(file, "written before, read by io_submit\n");
        var handle = asys.open(file, FileDescriptors.O_RDONLY, 0).get();
        io.asys.kaio.IoContext ctx = io.asys.kaio.IoContext.setup(asys, 8);
        try {
            MemorySegment buffer = Arena.ofAuto().allocate(64);
            io.asys.kaio.Iocb iocb = new io.asys.kaio.Iocb().prepPread(handle.fd(), buffer, 64, 0).data(42);
            int queued = ctx.submit(iocb);
            io.asys.kaio.IoEvent[] events = new io.asys.kaio.IoEvent[1];
            int got = ctx.getEvents(1, 1, events, Duration.ofSeconds(5));
            out.printf("  io_setup(8), io_submit -> %d queued, io_getevents -> %d event: data %d, res %d bytes (%s)%n",
                    queued, got, events[0].data(), events[0].res(), ctx.backend());
        } finally {
            ctx.destroy();
            asys.close(handle).get();
        }
    }

    private static void cancellation(Asys asys, Path dir, PrintStream out) throws Exception {
        long t0 = System.nanoTime();
        var sleep = asys.sleep(Duration.ofSeconds(30));
        Thread.sleep(50);
        asys.cancel(sleep);
        try {
            sleep.join();
            out.println("  the 30 s timeout completed normally (unexpected)");
        } catch (CompletionException e) {
            String errno = e.getCause() instanceof ErrnoException x ? x.errnoName() : e.getCause().toString();
            out.printf("  a 30 s timeout, cancelled after 50 ms, completed once with %s after %d ms%n", errno,
                    (System.nanoTime() - t0) / 1_000_000);
        }
    }

    private static void fallback(Asys asys, Path dir, PrintStream out) throws Exception {
        out.printf("  Asys.open() chose engine %s%s%n", asys.engine(),
                asys.engineCause() == null ? " (io_uring is available)" : " because " + asys.engineCause());
        try (Asys workers = Asys.open("workers")) {
            Path file = dir.resolve("hello.txt");
            Statx st = workers.statx(file).get();
            var handle = workers.open(file, FileDescriptors.O_RDONLY, 0).get();
            MemorySegment buffer = Arena.ofAuto().allocate(64);
            int n = workers.read(handle, buffer, 0).get();
            workers.close(handle).get();
            out.printf("  Asys.open(\"workers\"): engine %s, engineCause \"%s\"%n", workers.engine(),
                    workers.engineCause());
            out.printf("  the same calls, on a thread pool: statx size %d, read %d bytes, close%n", st.size(), n);
        }
    }
}
