package io.asys.cli.fuzz;

import java.util.ArrayList;
import java.util.List;

/** Counts of one fuzz run on one engine, and its failures (each with the seed that found it). */
final class FuzzReport {
    final String engine;
    final long seed;
    long ops;
    long rounds;
    long chains;
    long cancels;
    long timeouts;
    long asysCloses;
    long refused;
    long errnoResults;
    long cancelledResults;
    long laneResets;
    /** Both failed, with different errnos, for a reason documented in FuzzRun.errnoOrder. */
    long errnoOrder;
    /** Operations stopped by their timeout that reported ECANCELED instead of a timeout (each also a failure). */
    long timeoutAsCancelled;
    /** Failed O_DIRECT writes, after which the lane's file content is unknown (see FuzzRun.check). */
    long directWriteUnknown;
    /** Differences between io_uring and the system call declared in docs/workers.md (FuzzRun.declaredDifference). */
    long declaredDifferences;
    long maxCloseMillis;
    double seconds;
    final List<String> failures = new ArrayList<>();

    FuzzReport(String engine, long seed) {
        this.engine = engine;
        this.seed = seed;
    }

    void fail(long round, String what) {
        if (failures.size() < 50) {
            failures.add("seed " + seed + " engine " + engine + " round " + round + ": " + what);
        }
    }

    String json() {
        return "{\"engine\":\"" + engine + "\",\"seed\":" + seed + ",\"ops\":" + ops + ",\"failures\":" + failures.size()
                + ",\"rounds\":" + rounds + ",\"chains\":" + chains + ",\"cancels\":" + cancels + ",\"timeouts\":" + timeouts
                + ",\"asys_closes\":" + asysCloses + ",\"max_close_ms\":" + maxCloseMillis + ",\"refused\":" + refused
                + ",\"errno_results\":" + errnoResults + ",\"cancelled_results\":" + cancelledResults
                + ",\"lane_resets\":" + laneResets + ",\"errno_order_differences\":" + errnoOrder + ",\"timeout_as_ecanceled\":" + timeoutAsCancelled
                + ",\"direct_write_unknown\":" + directWriteUnknown + ",\"declared_differences\":" + declaredDifferences + ",\"seconds\":" + String.format("%.1f", seconds)
                + ",\"failure_list\":[" + String.join(",", failures.stream().map(FuzzReport::quote).toList()) + "]}";
    }

    String text() {
        return String.format("%s seed %d: %d ops (%d rounds, %d chains, %d cancels, %d timeouts, %d closes of asys "
                        + "with ops in flight, longest close %d ms), %d refused, %d errno results, %d cancelled, "
                        + "%d failures, %.1f s",
                engine, seed, ops, rounds, chains, cancels, timeouts, asysCloses, maxCloseMillis, refused,
                errnoResults, cancelledResults, failures.size(), seconds);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ") + "\"";
    }
}
