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
                DemoStep.notYetBuilt("virtual threads: blocking code, few OS threads",
                        "a facade that parks virtual threads while their operations are in flight", "issue 6"),
                DemoStep.notYetBuilt("KAIO: io_setup / io_submit / io_getevents on the generic engine",
                        "the KAIO-compatible interface and the real kernel AIO beside it", "issue 7"),
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
