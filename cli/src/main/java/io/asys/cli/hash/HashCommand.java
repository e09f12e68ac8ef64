package io.asys.cli.hash;

import io.asys.Asys;
import io.asys.cli.bench.Json;
import io.asys.cli.bench.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code asys hash}: sha256sum-compatible hashing that reads the next pieces while this one is hashed. */
@Command(name = "hash", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Hash files, reading ahead asynchronously: the next pieces are read while this one is "
                + "hashed, so the time approaches max(read, hash) rather than their sum.",
            "Prints '<hex>  <path>' lines as sha256sum does (sha256sum -c accepts them).",
            "Example: asys hash --direct --json /var/tmp/big.dat"})
public final class HashCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "files to hash")
    List<Path> files;

    @Option(names = "--algo", description = "sha256, sha512, sha1, md5 or crc32c (default: ${DEFAULT-VALUE})",
            defaultValue = "sha256")
    String algo;

    @Option(names = "--direct", description = "O_DIRECT: bypass the page cache (needs --bs a multiple of 512)")
    boolean direct;

    @Option(names = "--bs", description = "bytes per read (default: ${DEFAULT-VALUE})", defaultValue = "1m",
            converter = Sizes.class)
    long bs;

    @Option(names = "--qd", description = "reads in flight per file (default: ${DEFAULT-VALUE})", defaultValue = "8")
    int qd;

    @Option(names = "--mode", description = "async (asys, reads ahead) or sync (blocking FileChannel reads, "
            + "read then hash) (default: ${DEFAULT-VALUE})", defaultValue = "async")
    String mode;

    @Option(names = "--jobs", description = "files hashed in parallel (default: the number of CPUs, at most the files)")
    Integer jobs;

    @Option(names = "--engine", description = "auto, uring or workers (default: ${DEFAULT-VALUE})", defaultValue = "auto")
    String engine;

    @Option(names = "--rounds", description = "with --json: rounds of the four passes; each time is the median, "
            + "each ratio the median of the rounds' ratios (default: ${DEFAULT-VALUE})", defaultValue = "1")
    int rounds;

    @Option(names = "--json", description = "measure read only, hash only, overlapped and sync in one run; print JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        String problem = validate();
        if (problem != null) {
            System.err.println("asys hash: " + problem);
            return 2;
        }
        int parallel = Math.min(files.size(), jobs != null ? jobs : Runtime.getRuntime().availableProcessors());
        boolean sync = mode.equals("sync");
        try (Asys asys = sync && !json ? null : Asys.open(engine)) {
            FilePass async = asys == null ? null : new AsyncReadAhead(asys, (int) bs, qd, direct);
            FilePass plain = new SyncReads((int) bs, direct);
            if (json) {
                return measure(async, plain, parallel);
            }
            boolean terminal = System.console() != null && System.console().isTerminal();
            try (var progress = new HashProgress(terminal)) {
                List<HashRun.Outcome> outcomes = new HashRun(files, parallel, algo).run(sync ? plain : async, progress,
                        outcome -> progress.printLine(outcome));
                return outcomes.stream().allMatch(HashRun.Outcome::ok) ? 0 : 1;
            }
        } catch (IOException e) {
            System.err.println("asys hash: " + e.getMessage());
            return 1;
        }
    }

    private String validate() {
        if (!Digester.ALGORITHMS.contains(algo)) {
            return "unknown --algo '" + algo + "'; choose one of " + String.join(", ", Digester.ALGORITHMS);
        }
        if (!mode.equals("async") && !mode.equals("sync")) {
            return "unknown --mode '" + mode + "'; choose async or sync";
        }
        if (!List.of("auto", "uring", "workers").contains(engine)) {
            return "unknown --engine '" + engine + "'; choose auto, uring or workers";
        }
        if (bs < 512 || bs > (64 << 20)) {
            return "--bs must be in 512..64m";
        }
        if (direct && bs % 512 != 0) {
            return "--direct needs --bs to be a multiple of 512 (the device's logical block size)";
        }
        if (qd < 1 || qd > 256) {
            return "--qd must be in 1..256";
        }
        if (bs * qd > (1L << 30)) {
            return "--qd x --bs is the memory of each file in flight: keep it at most 1g";
        }
        if (jobs != null && (jobs < 1 || jobs > 256)) {
            return "--jobs must be in 1..256";
        }
        if (rounds < 1 || rounds > 100) {
            return "--rounds must be in 1..100";
        }
        if (json && mode.equals("sync")) {
            return "--json measures both modes in one run; leave out --mode";
        }
        return null;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Hashes 64 MiB untimed, so the first timed pass does not pay for compiling the digest's loop. */
    private void warmUp() {
        Digester d = Digester.of(algo);
        var piece = java.nio.ByteBuffer.allocateDirect(1 << 20);
        for (int i = 0; i < 64; i++) {
            d.update(piece.clear());
        }
        d.hex();
    }

    /**
     * The four passes of {@code --json}, each over all files, timed, in rounds (read only, hash only,
     * overlapped, sync), the median of each reported; the digests of the overlapped pass, checked against sync.
     */
    private int measure(FilePass async, FilePass plain, int parallel) throws IOException {
        HashRun run = new HashRun(files, parallel, algo);
        var none = new HashProgress(false);
        warmUp();
        double[][] seconds = new double[4][rounds];
        HashRun.Timed overlapped = null;
        HashRun.Timed sync = null;
        for (int r = 0; r < rounds; r++) {
            seconds[0][r] = run.timed(async, none, false).seconds();
            seconds[1][r] = run.timed(new InMemoryPass((int) bs), none, true).seconds();
            overlapped = run.timed(async, none, true);
            seconds[2][r] = overlapped.seconds();
            sync = run.timed(plain, none, true);
            seconds[3][r] = sync.seconds();
        }
        double readOnly = median(seconds[0]);
        double hashOnly = median(seconds[1]);
        double overlappedS = median(seconds[2]);
        double syncS = median(seconds[3]);
        List<Object> digests = new ArrayList<>();
        boolean match = true;
        for (int i = 0; i < files.size(); i++) {
            HashRun.Outcome o = overlapped.outcomes().get(i);
            if (!o.ok()) {
                System.err.println("asys hash: " + o.error());
                return 1;
            }
            match &= o.hex().equals(sync.outcomes().get(i).hex());
            digests.add(new Json().put("path", o.path().toString()).put("digest", o.hex()));
        }
        // Ratios per round, then their median: contention drifts between rounds, less within one.
        double[] overMax = new double[rounds];
        double[] speedup = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            overMax[r] = seconds[2][r] / Math.max(seconds[0][r], seconds[1][r]);
            speedup[r] = seconds[3][r] / seconds[2][r];
        }
        System.out.println(new Json().put("algo", algo).put("bs", bs).put("qd", qd).put("direct", direct)
                .put("engine", ((AsyncReadAhead) async).engine()).put("jobs", parallel).put("rounds", rounds)
                .put("bytes", overlapped.bytes())
                .put("read_only_s", readOnly).put("hash_only_s", hashOnly)
                .put("overlapped_s", overlappedS).put("sync_s", syncS)
                .put("overlapped_over_max", median(overMax))
                .put("speedup_over_sync", median(speedup))
                .put("mib_s", overlapped.bytes() / overlappedS / (1 << 20))
                .put("digests_match_sync", match)
                .put("digests", digests));
        return match ? 0 : 1;
    }
}
