package io.asys.cli.bench;

import io.asys.cli.report.HtmlReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code asys compare JOB}: the same fio job on fio and on the asys engines and the JDK, one run
 * of each engine per round, the order rotating each round, several rounds; prints the median
 * IOPS of each engine, its spread, and its ratio to fio's first engine.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run one fio job on fio and on asys engines and the JDK, alternating, in rounds; "
                + "print IOPS per engine (median, spread) and ratios to fio.",
            "Example: asys compare bench/jobs/randread-direct.fio --rounds 3 --report compare.html"})
public final class CompareCommand implements Callable<Integer> {
    static final String DEFAULT_ENGINES = "fio-io_uring,fio-libaio,uring,typed-uring,workers,jdk-async";

    @Parameters(index = "0", paramLabel = "JOB", description = "a fio job file (its rw, bs, iodepth, numjobs, "
            + "runtime, size, filename, direct are used; rw must be read, write, randread or randwrite)")
    Path job;

    @Option(names = "--rounds", description = "rounds (default: ${DEFAULT-VALUE})", defaultValue = "3")
    int rounds;

    @Option(names = "--engines", split = ",", description = "engines: fio-<ioengine> (fio-io_uring, fio-libaio, "
            + "fio-psync...) and asys bench engines (default: " + DEFAULT_ENGINES + ")", defaultValue = DEFAULT_ENGINES)
    List<String> engines;

    @Option(names = {"--runtime", "--seconds"}, description = "seconds per run, instead of the job's runtime")
    Double runtime;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    @Option(names = "--report", description = "also write a self-contained HTML page with the results and charts")
    Path htmlReport;

    @Override
    public Integer call() throws Exception {
        try {
            return compare();
        } catch (FioOptions.Problem e) {
            System.err.println("asys compare: " + e.getMessage());
            return e.exit();
        }
    }

    private int compare() throws Exception {
        if (rounds < 1 || rounds > 50) {
            throw new FioOptions.Problem("--rounds must be in 1..50", 2);
        }
        BenchCommand probe = bench("uring");
        if (!List.of("read", "write", "randread", "randwrite").contains(probe.op)) {
            throw new FioOptions.Problem("compare runs read, write, randread and randwrite jobs; the job has rw="
                    + probe.op, 2);
        }
        List<String> chosen = new ArrayList<>();
        String fioMissing = null;
        for (String e : engines) {
            if (e.startsWith("fio-")) {
                fioMissing = fioMissing != null ? fioMissing : FioRunner.unavailability();
                if (fioMissing != null) {
                    System.err.println("asys compare: skipping " + e + ": " + fioMissing);
                    continue;
                }
            } else if (e.equals("jdk-sync") || e.equals("jdk-pool")) {
                throw new FioOptions.Problem("engine " + e + " does not run file data ops", 2);
            } else {
                String problem = bench(e).validate();
                if (problem != null) {
                    throw new FioOptions.Problem(problem, 2);
                }
            }
            chosen.add(e);
        }
        if (chosen.isEmpty()) {
            throw new FioOptions.Problem("no engine to run", 2);
        }
        BenchSpec spec = specOf();
        Map<String, List<EngineRun>> runs = new LinkedHashMap<>();
        chosen.forEach(e -> runs.put(e, new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < chosen.size(); k++) {
                String engine = chosen.get((k + r) % chosen.size());
                EngineRun run;
                if (engine.startsWith("fio-")) {
                    run = FioRunner.run(spec, engine.substring(4));
                } else {
                    run = EngineRun.of(bench(engine).measure());
                }
                runs.get(engine).add(run);
                System.err.printf(Locale.ROOT, "  round %d/%d  %-14s %,10.0f IOPS%n", r + 1, rounds, engine, run.iops());
            }
        }
        List<EngineRuns> all = chosen.stream().map(e -> new EngineRuns(e, runs.get(e))).toList();
        String jobLine = JobLine.of(spec);
        System.out.println(json ? CompareTable.json(jobLine, rounds, all) : CompareTable.text(jobLine, rounds, all));
        if (htmlReport != null) {
            HtmlReport.write(htmlReport, "asys compare: " + job.getFileName(), jobLine, all);
            System.err.println("asys compare: wrote " + htmlReport);
        }
        return all.stream().anyMatch(e -> e.rounds().stream().anyMatch(x -> x.errors() > 0)) ? 1 : 0;
    }

    /** A bench command for {@code engine} with the job's options, as {@code asys bench --job JOB} parses it. */
    private BenchCommand bench(String engine) {
        BenchCommand bench = new BenchCommand();
        List<String> args = new ArrayList<>(List.of("--job", job.toString(), "--engine", engine, "--json"));
        if (runtime != null) {
            args.addAll(List.of("--seconds", runtime.toString()));
        }
        var commandLine = new CommandLine(bench);
        try {
            commandLine.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new FioOptions.Problem(e.getMessage(), 2);
        }
        FioOptions.apply(job, bench, commandLine.getParseResult());
        return bench;
    }

    /** The job as fio runs it (one submission per I/O), the file made here if missing, so every engine reads the same. */
    private BenchSpec specOf() throws Exception {
        BenchCommand b = bench("uring");
        BenchFile.ensure(b.file, b.size, false);
        return new BenchSpec(b.op, b.file, b.size, (int) b.bs, b.qd, 1, b.direct, b.seconds, 0,
                b.threads == null ? 1 : b.threads, "fio", b.dir, b.files);
    }
}
