package io.asys.cli.bench;

import io.asys.Errno;
import io.asys.ErrnoException;
import io.asys.uring.IoUringSupport;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.asys.cli.report.HtmlReport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/** {@code asys bench}: fio-shaped benchmark of one operation on one engine, with a JSON report. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Benchmark one operation on one engine, in the shape of fio.",
            "Example: asys bench --op randread --bs 4k --qd 32 --direct --seconds 10 --json",
            "Metadata: asys bench --op statx --dir /var/tmp/asys-tree --files 100000 --qd 32 --json"})
public final class BenchCommand implements Callable<Integer> {
    private static final Set<String> OPS = Set.of("nop", "read", "write", "randread", "randwrite",
            "statx", "openclose", "mkdir-unlink");
    private static final String OP_LIST = "nop, read, write, randread, randwrite, statx, openclose, mkdir-unlink";
    private static final Set<String> ENGINES = Set.of("uring", "workers", "typed-uring", "jdk-sync", "jdk-pool",
            "jdk-async", "kaio", "kaio-asys", "vt", "jdk-vt");
    /** Engines running --threads virtual threads doing blocking calls, started by one runner thread. */
    private static final Set<String> VT_ENGINES = Set.of("vt", "jdk-vt");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec commandSpec;

    @Option(names = "--job", description = "a fio job file: its rw, bs, iodepth, numjobs, runtime, size, filename "
            + "and direct (from [global] and the first job) apply where the command line does not set them")
    Path job;

    @Option(names = "--report", description = "also write a self-contained HTML page with the results and charts")
    Path htmlReport;

    @Option(names = {"--op", "--rw"}, description = {"nop, read, write, randread, randwrite, or a metadata op on the files "
            + "of --dir: statx, openclose, mkdir-unlink (default: ${DEFAULT-VALUE}).",
            "One op is one file operation: statx = 1 statx; openclose = 1 openat(O_RDONLY) + its close; "
            + "mkdir-unlink = 1 mkdirat of a scratch directory under d<i> + its unlinkat(AT_REMOVEDIR)."},
            defaultValue = "nop")
    String op;

    @Option(names = "--dir", description = "tree of the metadata ops: DIR/d0..d99/f0..f<files/100-1>, "
            + "created if missing (default: ${DEFAULT-VALUE})", defaultValue = "/var/tmp/asys-tree")
    Path dir;

    @Option(names = "--files", description = "files in the tree, a multiple of 100, at least 100 "
            + "(default: ${DEFAULT-VALUE})", defaultValue = "100000")
    int files;

    @Option(names = {"--file", "--filename"}, description = "file to read or write, created and filled if missing (default: ${DEFAULT-VALUE})",
            defaultValue = "/var/tmp/asys-bench.dat")
    Path file;

    @Option(names = "--size", description = "file size to use (default: ${DEFAULT-VALUE})", defaultValue = "1g",
            converter = Sizes.class)
    long size;

    @Option(names = "--bs", description = "block size (default: ${DEFAULT-VALUE})", defaultValue = "4k",
            converter = Sizes.class)
    long bs;

    @Option(names = {"--qd", "--iodepth"}, description = "queue depth: operations in flight per thread; the jdk engines have 1 "
            + "(default: ${DEFAULT-VALUE})",
            defaultValue = "32")
    int qd;

    @Option(names = "--batch", description = "entries prepared per submit (default: the queue depth; 4 with --direct; 32 for nop); "
            + "on typed-uring and workers with --op statx: paths per statx request (Op.StatxAll, default 1), --qd requests in flight")
    Integer batch;

    @Option(names = "--direct", arity = "0..1", fallbackValue = "true", converter = FioOptions.Flag.class,
            description = "O_DIRECT: bypass the page cache (also fio's --direct=1)")
    boolean direct;

    @Option(names = {"--seconds", "--runtime"}, description = "run time (default: ${DEFAULT-VALUE})", defaultValue = "5")
    double seconds;

    @Option(names = "--warmup", description = "seconds of the same job run first and not counted (JIT compilation, "
            + "caches), as JMH warms up; 0 (the default) counts from the first operation")
    double warmup;

    @Option(names = "--ops", description = "stop after this many operations instead of a time")
    long ops;

    @Option(names = {"--threads", "--numjobs"}, description = "threads, each with its own ring, or the jdk-pool size, each "
            + "thread on its own share of the files (default: 1; 2 for jdk-pool)")
    Integer threads;

    @Option(names = "--engine", description = {"uring (the low-level ring), typed-uring (the typed API on "
            + "io_uring), workers (the typed API on the worker engine); for the metadata ops also jdk-sync "
            + "(blocking java.nio.file.Files calls on one thread) and jdk-pool (the same on --threads platform "
            + "threads); for read, write, randread, randwrite also jdk-async (AsynchronousFileChannel, --qd reads "
            + "outstanding), kaio (the kernel's AIO: io_setup, io_submit, io_getevents), kaio-asys (asys's KAIO on "
            + "the default engine), vt (blocking reads or writes through asys's facade on --threads virtual threads) "
            + "and jdk-vt (the same on the JDK's FileChannel) "
            + "(default: ${DEFAULT-VALUE})"}, defaultValue = "uring")
    String engine;

    @Option(names = "--attrs", description = "per-operation attributes to ask for and summarise (typed engines): "
            + "latency, queue_time, cache, path, cpu; the JSON gets an attrs object")
    String attrs;

    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Report report;
        try {
            report = measure();
        } catch (FioOptions.Problem e) {
            System.err.println("asys bench: " + e.getMessage());
            return e.exit();
        } catch (ErrnoException e) {
            System.err.println("asys bench: " + e.getMessage());
            return 1;
        }
        System.out.println(json ? report.json() : report.text());
        if (htmlReport != null) {
            HtmlReport.write(htmlReport, "asys bench " + report.spec().op() + " on " + report.spec().engine(),
                    JobLine.of(report.spec()), List.of(new EngineRuns(report.spec().engine(), List.of(EngineRun.of(report)))));
        }
        return report.errors() > 0 ? 1 : 0;
    }

    /** Validates, prepares the file or tree, and runs the bench; a bad option throws {@link FioOptions.Problem}. */
    Report measure() throws Exception {
        if (job != null) {
            FioOptions.apply(job, this, commandSpec.commandLine().getParseResult());
        }
        String problem = validate();
        if (problem != null) {
            throw new FioOptions.Problem(problem, 2);
        }
        boolean uring = engine.equals("uring");
        if (uring && !IoUringSupport.isAvailable()) {
            throw new FioOptions.Problem("engine uring unavailable: " + IoUringSupport.unavailabilityCause(), 1);
        }
        // The JDK engines make one blocking call at a time per thread: their queue depth is 1.
        boolean kaio = engine.startsWith("kaio");
        boolean queued = uring || kaio || engine.equals("workers") || engine.equals("typed-uring") || engine.equals("jdk-async");
        int effectiveQd = queued ? qd : 1;
        // Default batch: everything ready at once, except with O_DIRECT, where batches of 4 kept the
        // virtio disk measured here as busy as fio's one-at-a-time submission and 32 did not.
        // On the typed engines --batch is for statx only: paths per request (Op.StatxAll), --qd requests in flight.
        boolean typed = engine.equals("typed-uring") || engine.equals("workers");
        int effectiveBatch = typed ? (batch != null ? batch : 1)
                : !uring && !kaio ? 1 : batch != null ? batch : op.equals("nop") ? 32 : direct ? Math.min(qd, 4) : qd;
        int effectiveThreads = threads != null ? threads : engine.equals("jdk-pool") ? 2 : 1;
        Path root = dir.toAbsolutePath().normalize();
        BenchSpec spec = new BenchSpec(op, file, size, (int) bs, effectiveQd, effectiveBatch, direct, seconds, ops,
                effectiveThreads, engine, root, files);
        if (spec.isMeta()) {
            MetaTree.ensure(root, files, false);
        } else if (!spec.isNop()) {
            BenchFile.ensure(file, size, false);
        }
        return run(spec);
    }

    String validate() {
        if (!OPS.contains(op)) {
            return "unknown --op '" + op + "'; choose one of " + OP_LIST;
        }
        boolean meta = BenchSpec.META_OPS.contains(op);
        if (!ENGINES.contains(engine)) {
            return "unknown --engine '" + engine + "'; available: uring, typed-uring, workers, jdk-sync, jdk-pool, jdk-async, "
                    + "kaio, kaio-asys, vt, jdk-vt";
        }
        if ((engine.equals("workers") || engine.equals("typed-uring")) && op.equals("mkdir-unlink")) {
            return "engine " + engine + " runs nop, read, write, randread, randwrite, statx and openclose";
        }
        boolean vt = VT_ENGINES.contains(engine);
        if ((vt || engine.equals("jdk-async") || engine.startsWith("kaio")) && (meta || op.equals("nop"))) {
            return "engine " + engine + " runs read, write, randread and randwrite";
        }
        if (engine.startsWith("jdk") && !engine.equals("jdk-async") && !meta && !vt) {
            return "engine " + engine + " runs only the metadata ops (statx, openclose, mkdir-unlink); "
                    + "for --op " + op + " use --engine uring";
        }
        if (engine.equals("jdk-sync") && threads != null && threads != 1) {
            return "engine jdk-sync is one thread; for several use --engine jdk-pool --threads " + threads;
        }
        if (meta && (files < 100 || files % 100 != 0)) {
            return "--files must be a multiple of 100, at least 100 (the tree has 100 directories)";
        }
        if (qd < 1 || qd > 4096) {
            return "--qd must be in 1..4096";
        }
        if (batch != null && (batch < 1 || batch > 4096)) {
            return "--batch must be in 1..4096";
        }
        if (batch != null && batch > 1 && (engine.equals("typed-uring") || engine.equals("workers")) && !op.equals("statx")) {
            return "on engine " + engine + " --batch applies to --op statx only (paths per request)";
        }
        if (threads != null && (threads < 1 || threads > (vt ? 100_000 : 256))) {
            return "--threads must be in 1.." + (vt ? 100_000 : 256);
        }
        if (bs < 1 || bs > (64 << 20)) {
            return "--bs must be in 1..64m";
        }
        if (direct && bs % 512 != 0) {
            return "--direct needs --bs to be a multiple of 512 (the device's logical block size)";
        }
        if (!op.equals("nop") && !meta && size < bs) {
            return "--size must be at least --bs";
        }
        if (attrs != null) {
            try {
                io.asys.Attribute.parse(attrs);
            } catch (IllegalArgumentException e) {
                return "--attrs: " + e.getMessage();
            }
            if (!engine.equals("typed-uring") && !engine.equals("workers")) {
                return "--attrs needs a typed engine (typed-uring or workers), not " + engine;
            }
        }
        if (warmup < 0) {
            return "--warmup must be 0 or positive";
        }
        if (seconds <= 0 && ops <= 0) {
            return "--seconds or --ops must be positive";
        }
        return null;
    }

    private Report run(BenchSpec spec) throws Exception {
        java.util.Set<io.asys.Attribute> wanted = attrs == null ? java.util.Set.of() : io.asys.Attribute.parse(attrs);
        Workload workload = VT_ENGINES.contains(spec.engine()) ? new VirtualThreadWorkload(spec.engine())
                : spec.engine().startsWith("kaio") ? new KaioWorkload(spec.engine().equals("kaio"))
                : spec.engine().equals("jdk-async") ? new JdkAsyncWorkload()
                : spec.engine().equals("workers") ? new AsysWorkload("workers", wanted)
                : spec.engine().equals("typed-uring") ? new AsysWorkload("uring", wanted)
                : spec.isNop() ? new UringNopWorkload()
                : !spec.isMeta() ? new UringFileWorkload()
                : spec.engine().equals("uring") ? new UringMetaWorkload() : new JdkMetaWorkload();
        try {
            workload.prepare(spec);
            return run(spec, workload);
        } finally {
            workload.release();
        }
    }

    private Report run(BenchSpec spec, Workload workload) throws Exception {
        boolean showProgress = !json && System.console() != null && spec.durationNanos() > 3_000_000_000L;
        if (warmup > 0) {
            // The same job for --warmup seconds, its counts and CPU time left out of the report.
            BenchSpec warm = new BenchSpec(spec.op(), spec.file(), spec.size(), spec.bs(), spec.qd(), spec.batch(),
                    spec.direct(), warmup, 0, spec.threads(), spec.engine(), spec.dir(), spec.files());
            runThreads(warm, workload, new Progress(spec.threads(), false));
        }
        double[] cpuBefore = ProcessStats.cpuSeconds();
        long start = System.nanoTime();
        try (var sampler = new ProcessStats.ThreadSampler(); var progress = new Progress(spec.threads(), showProgress)) {
            List<ThreadResult> results = runThreads(spec, workload, progress);
            double wall = (System.nanoTime() - start) / 1e9;
            double[] cpuAfter = ProcessStats.cpuSeconds();
            return new Report(spec, results, wall, cpuAfter[0] - cpuBefore[0], cpuAfter[1] - cpuBefore[1], sampler.max(),
                    warmup);
        }
    }

    /** Runs the job on its runner threads and waits for them: one result per runner. */
    private static List<ThreadResult> runThreads(BenchSpec spec, Workload workload, Progress progress) throws Exception {
        List<FutureTask<ThreadResult>> tasks = new ArrayList<>();
        int runners = VT_ENGINES.contains(spec.engine()) ? 1 : spec.threads();
        for (int t = 0; t < runners; t++) {
            int index = t;
            var task = new FutureTask<>(() -> workload.run(spec, index, progress));
            tasks.add(task);
            Thread.ofPlatform().name("asys-bench-" + t).start(task);
        }
        List<ThreadResult> results = new ArrayList<>();
        for (var task : tasks) {
            try {
                results.add(task.get());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw e;
            }
        }
        return results;
    }

    /** The merged result of all threads, as text or JSON. */
    record Report(BenchSpec spec, List<ThreadResult> threads, double wallSeconds, double cpuUser, double cpuSys,
                  int osThreadsMax, double warmupSeconds) {
        long ops() {
            return threads.stream().mapToLong(t -> t.ops).sum();
        }

        long errors() {
            return threads.stream().mapToLong(t -> t.errors).sum();
        }

        double seconds() {
            return threads.stream().mapToLong(t -> t.elapsedNanos).max().orElse(0) / 1e9;
        }

        AttributeSummary attributes() {
            AttributeSummary all = null;
            for (ThreadResult t : threads) {
                if (t.attributes != null) {
                    if (all == null) {
                        all = new AttributeSummary(t.attributes.wanted());
                    }
                    all.add(t.attributes);
                }
            }
            return all;
        }

        Histogram latency() {
            Histogram all = new Histogram(3);
            threads.forEach(t -> all.add(t.latency));
            return all;
        }

        String json() {
            long ops = ops();
            double seconds = seconds();
            long bytes = threads.stream().mapToLong(t -> t.bytes).sum();
            Histogram lat = latency();
            Json j = new Json()
                    .put("engine", spec.engine()).put("op", spec.op())
                    .put("bs", spec.isNop() || spec.isMeta() ? 0 : spec.bs())
                    .put("qd", spec.isNop() ? spec.batch() : spec.qd())
                    .put("batch", spec.batch()).put("threads", spec.threads()).put("direct", spec.direct())
                    .put("file", spec.isNop() ? null : spec.isMeta() ? spec.dir().toString() : spec.file().toString())
                    .put("files", spec.isMeta() ? spec.files() : null)
                    .put("ops", ops).put("seconds", seconds).put("iops", ops / seconds)
                    .put("mib_s", bytes / seconds / (1 << 20))
                    .put("cpu_user_s", cpuUser).put("cpu_sys_s", cpuSys)
                    .put("cpu_us_per_op", ops == 0 ? Double.NaN : (cpuUser + cpuSys) * 1e6 / ops)
                    .put("os_threads_max", osThreadsMax)
                    .put("warmup_s", warmupSeconds)
                    .put("lat_ns", new Json().put("p50", lat.getValueAtPercentile(50))
                            .put("p99", lat.getValueAtPercentile(99)).put("p999", lat.getValueAtPercentile(99.9))
                            .put("max", lat.getMaxValue()).put("mean", lat.getMean()))
                    .put("errors", errors())
                    .put(spec.engine().equals("uring") ? "ring" : "engine_detail", threads.get(0).detail);
            if (threads.get(0).attributes != null) {
                j.put("attrs", attributes().json());
            }
            return j.toString();
        }

        String text() {
            long ops = ops();
            double seconds = seconds();
            Histogram lat = latency();
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("%s %s on %s: %,d ops in %.2f s = %,.0f ops/s", spec.op(),
                    spec.isNop() ? "batch " + spec.batch()
                            : spec.isMeta() ? String.format("%,d files qd %d threads %d", spec.files(), spec.qd(),
                                    spec.threads())
                            : spec.bs() + " B qd " + spec.qd() + (spec.direct() ? " direct" : ""),
                    spec.engine(), ops, seconds, ops / seconds));
            if (!spec.isNop() && !spec.isMeta()) {
                sb.append(String.format(", %.1f MiB/s", threads.stream().mapToLong(t -> t.bytes).sum() / seconds / (1 << 20)));
            }
            sb.append(String.format("%n  cpu: %.2f s user, %.2f s sys, %.2f us/op; os threads max %d",
                    cpuUser, cpuSys, (cpuUser + cpuSys) * 1e6 / Math.max(1, ops), osThreadsMax));
            sb.append(String.format("%n  latency ns: p50 %,d  p99 %,d  p99.9 %,d  max %,d",
                    lat.getValueAtPercentile(50), lat.getValueAtPercentile(99), lat.getValueAtPercentile(99.9),
                    lat.getMaxValue()));
            sb.append(spec.engine().equals("uring") ? "\n  ring: " : "\n  engine: ").append(threads.get(0).detail);
            if (errors() > 0) {
                int first = threads.stream().filter(t -> t.errors > 0).findFirst().orElseThrow().firstError;
                sb.append(String.format("%n  errors: %,d, first: %s on %s", errors(), Errno.describe(first),
                        spec.isMeta() ? spec.dir() : spec.file()));
            }
            AttributeSummary attributes = attributes();
            if (attributes != null) {
                sb.append("\n  attrs: ").append(attributes.json());
            }
            return sb.toString();
        }
    }

}
