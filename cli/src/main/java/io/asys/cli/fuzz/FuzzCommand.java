package io.asys.cli.fuzz;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code asys fuzz}: random and hostile operations through {@link io.asys.Asys}, each checked
 * against the plain system call on a mirrored directory, for exactly one completion and for
 * buffers untouched after completion. Exit status 1 when anything failed. With {@code --soak}:
 * many threads submitting mixed operations, with memory, threads and fds from /proc.
 */
@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = "Fuzz asys with random and hostile operations, checked against the plain system calls.")
public final class FuzzCommand implements Callable<Integer> {
    @Option(names = "--ops", description = "Operations per engine (default ${DEFAULT-VALUE}).")
    long ops = 10_000;

    @Option(names = "--seed", description = "Random seed (default: from the clock, printed).")
    Long seed;

    @Option(names = "--engine", description = "uring, workers or both (default ${DEFAULT-VALUE}).")
    String engine = "both";

    @Option(names = "--seconds", description = "Stop after this long per engine, even before --ops (0: no limit).")
    double seconds;

    @Option(names = "--close-every", description = "Close the Asys with operations in flight once in about N rounds (0: never; default ${DEFAULT-VALUE}).")
    int closeEvery = 200;

    @Option(names = "--cancel-percent", description = "Percent of operations cancelled, and again with a timeout (default ${DEFAULT-VALUE}).")
    int cancelPercent = 5;

    @Option(names = "--dir", description = "Where the private temporary directory goes (default: java.io.tmpdir).")
    Path dir;

    @Option(names = "--json", description = "Print a JSON report.")
    boolean json;

    @Option(names = "--soak", description = "Soak mode: --threads threads submitting mixed operations for --seconds.")
    boolean soak;

    @Option(names = "--threads", description = "Soak threads (default ${DEFAULT-VALUE}).")
    int threads = 8;

    @Override
    public Integer call() throws Exception {
        long s = seed != null ? seed : System.nanoTime() & 0xFFFF_FFFFL;
        Path parent = dir != null ? dir : Path.of(System.getProperty("java.io.tmpdir"));
        List<String> engines = switch (engine) {
            case "both" -> List.of("uring", "workers");
            case "uring", "workers" -> List.of(engine);
            default -> throw new IllegalArgumentException("--engine must be uring, workers or both, not " + engine);
        };
        if (soak) {
            return Soak.run(engines, s, seconds > 0 ? seconds : 60, threads, parent, json);
        }
        List<FuzzReport> reports = new ArrayList<>();
        int failures = 0;
        for (String e : engines) {
            FuzzReport r = new FuzzRun(e, s, ops, seconds, closeEvery, cancelPercent, parent).run();
            reports.add(r);
            failures += r.failures.size();
            if (!json) {
                System.out.println(r.text());
                r.failures.forEach(f -> System.out.println("  FAILED " + f));
            }
        }
        if (json) {
            long total = reports.stream().mapToLong(r -> r.ops).sum();
            System.out.println("{\"seed\":" + s + ",\"ops\":" + total + ",\"failures\":" + failures + ",\"engines\":["
                    + String.join(",", reports.stream().map(FuzzReport::json).toList()) + "]}");
        } else if (failures > 0) {
            System.out.println("FAILED: " + failures + " failures; replay with --seed " + s);
        }
        return failures == 0 ? 0 : 1;
    }
}
