package io.asys.cli.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * Runs one job on fio (the {@code fio} on the PATH) with the given ioengine and reads its JSON
 * output into an {@link EngineRun}: IOPS, MiB/s, CPU per operation from fio's usr/sys figures,
 * and the total latency (submission to completion) at {@link EngineRun#PERCENTILES}.
 */
final class FioRunner {
    private FioRunner() {
    }

    /** Whether fio runs here, or why not. */
    static String unavailability() {
        try {
            Process p = new ProcessBuilder("fio", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? null : "fio --version failed";
        } catch (IOException e) {
            return "fio is not installed (bench/peers/setup.sh installs it)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** The fio command line of {@code spec} on {@code ioengine}. */
    static List<String> command(BenchSpec spec, String ioengine) {
        StringJoiner percentiles = new StringJoiner(":");
        for (double p : EngineRun.PERCENTILES) {
            percentiles.add(java.math.BigDecimal.valueOf(p).stripTrailingZeros().toPlainString());
        }
        List<String> cmd = new ArrayList<>(List.of("fio", "--name=asys-compare", "--filename=" + spec.file(),
                "--rw=" + spec.op(), "--bs=" + spec.bs(), "--iodepth=" + spec.qd(), "--numjobs=" + spec.threads(),
                "--size=" + spec.size(), "--direct=" + (spec.direct() ? 1 : 0), "--ioengine=" + ioengine,
                "--group_reporting", "--output-format=json", "--lat_percentiles=1",
                "--percentile_list=" + percentiles));
        cmd.add(String.format(Locale.ROOT, "--runtime=%dms", Math.max(1, Math.round(spec.seconds() * 1000))));
        cmd.add("--time_based");
        if (!spec.direct()) {
            cmd.add("--invalidate=0");  // asys bench does not drop the page cache either
        }
        return cmd;
    }

    static EngineRun run(BenchSpec spec, String ioengine) throws IOException, InterruptedException {
        List<String> cmd = command(spec, ioengine);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0 || out.indexOf('{') < 0) {
            throw new IOException("fio failed (exit " + p.exitValue() + "): " + String.join(" ", cmd) + "\n" + err.strip());
        }
        return parse("fio-" + ioengine, out.substring(out.indexOf('{')), spec.isWrite());
    }

    /** Reads fio's JSON report (one group-reported job). */
    static EngineRun parse(String engine, String json, boolean write) {
        JsonObject job = JsonParser.parseString(json).getAsJsonObject().getAsJsonArray("jobs").get(0).getAsJsonObject();
        JsonObject side = job.getAsJsonObject(write ? "write" : "read");
        double iops = side.get("iops").getAsDouble();
        long ios = side.get("total_ios").getAsLong();
        double seconds = job.get("job_runtime").getAsDouble() / 1000;
        double cpuSeconds = (job.get("usr_cpu").getAsDouble() + job.get("sys_cpu").getAsDouble()) / 100 * seconds;
        JsonObject pct = side.getAsJsonObject("lat_ns").getAsJsonObject("percentile");
        long[] latency = new long[EngineRun.PERCENTILES.length];
        for (int i = 0; i < latency.length; i++) {
            var v = pct == null ? null : pct.get(String.format(Locale.ROOT, "%.6f", EngineRun.PERCENTILES[i]));
            latency[i] = v == null ? 0 : v.getAsLong();
        }
        return new EngineRun(engine, iops, side.get("bw").getAsDouble() / 1024, cpuSeconds * 1e6 / Math.max(1, ios),
                latency, job.get("error").getAsLong());
    }
}
