package io.asys.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The results of {@code asys compare} as a text table or one JSON object. */
final class CompareTable {
    private CompareTable() {
    }

    private static EngineRuns reference(List<EngineRuns> all) {
        return all.stream().filter(e -> e.engine().startsWith("fio")).findFirst().orElse(null);
    }

    static String text(String job, int rounds, List<EngineRuns> all) {
        EngineRuns ref = reference(all);
        StringBuilder sb = new StringBuilder(job).append(String.format(Locale.ROOT, "; %d round(s)%n", rounds));
        sb.append(String.format(Locale.ROOT, "%-14s %12s %9s %10s %10s %10s%s%n", "engine", "IOPS median", "spread",
                "MiB/s", "CPU us/op", "p99 us", ref == null ? "" : "  vs " + ref.engine()));
        for (EngineRuns e : all) {
            EngineRun m = e.median();
            String spread = e.rounds().size() < 2 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * e.spread());
            sb.append(String.format(Locale.ROOT, "%-14s %,12.0f %9s %10.1f %10.2f %10.1f", e.engine(), e.medianIops(),
                    spread, m.mibS(), e.medianCpuUsPerOp(), m.latencyAt(99) / 1e3));
            if (ref != null) {
                sb.append(String.format(Locale.ROOT, "  %5.2f x", e.medianIops() / ref.medianIops()));
            }
            sb.append('\n');
        }
        return sb.append("spread: half the min-max range over the median; CPU of fio from its usr/sys figures").toString();
    }

    static String json(String job, int rounds, List<EngineRuns> all) {
        EngineRuns ref = reference(all);
        List<Object> engines = new ArrayList<>();
        for (EngineRuns e : all) {
            engines.add(new Json().put("engine", e.engine()).put("iops_median", e.medianIops())
                    .put("iops_min", e.minIops()).put("iops_max", e.maxIops()).put("spread", e.spread())
                    .put("cpu_us_per_op", e.medianCpuUsPerOp())
                    .put("vs_reference", ref == null ? null : e.medianIops() / ref.medianIops())
                    .put("median_round", e.median().json())
                    .put("rounds_iops", e.rounds().stream().map(r -> (Object) r.iops()).toList()));
        }
        return new Json().put("job", job).put("rounds", rounds).put("reference", ref == null ? null : ref.engine())
                .put("engines", engines).toString();
    }
}
