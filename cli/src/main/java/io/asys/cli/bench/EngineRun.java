package io.asys.cli.bench;

import org.HdrHistogram.Histogram;

/**
 * One measured run of one engine, in the units every report uses: operations per second, MiB/s,
 * CPU microseconds per operation (user + system, the whole process), and latency in nanoseconds
 * at {@link #PERCENTILES}. Immutable.
 */
public record EngineRun(String engine, double iops, double mibS, double cpuUsPerOp, long[] latencyNs, long errors) {
    /** The percentiles of every latency curve (fio is asked for the same list). */
    public static final double[] PERCENTILES = {1, 5, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99};

    /** The run of an {@code asys bench} report. */
    static EngineRun of(BenchCommand.Report report) {
        Histogram lat = report.latency();
        long[] latency = new long[PERCENTILES.length];
        for (int i = 0; i < latency.length; i++) {
            latency[i] = lat.getValueAtPercentile(PERCENTILES[i]);
        }
        long ops = report.ops();
        double seconds = report.seconds();
        long bytes = report.threads().stream().mapToLong(t -> t.bytes).sum();
        return new EngineRun(report.spec().engine(), ops / seconds, bytes / seconds / (1 << 20),
                (report.cpuUser() + report.cpuSys()) * 1e6 / Math.max(1, ops), latency, report.errors());
    }

    /** The latency at the percentile {@code p} of {@link #PERCENTILES}, or -1. */
    public long latencyAt(double p) {
        for (int i = 0; i < PERCENTILES.length; i++) {
            if (PERCENTILES[i] == p) {
                return latencyNs[i];
            }
        }
        return -1;
    }

    public Json json() {
        Json lat = new Json();
        for (int i = 0; i < PERCENTILES.length; i++) {
            lat.put("p" + (PERCENTILES[i] == Math.rint(PERCENTILES[i]) ? String.valueOf((int) PERCENTILES[i])
                    : String.valueOf(PERCENTILES[i]).replace(".", "_")), latencyNs[i]);
        }
        return new Json().put("iops", iops).put("mib_s", mibS).put("cpu_us_per_op", cpuUsPerOp)
                .put("errors", errors).put("lat_ns", lat);
    }
}
