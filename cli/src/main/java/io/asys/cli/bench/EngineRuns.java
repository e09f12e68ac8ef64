package io.asys.cli.bench;

import java.util.Comparator;
import java.util.List;

/** All rounds of one engine in one comparison: the median and the spread of its throughput. Immutable. */
public record EngineRuns(String engine, List<EngineRun> rounds) {
    /** The round with the median IOPS (the lower middle one for an even count): its latency curve is shown. */
    public EngineRun median() {
        List<EngineRun> sorted = rounds.stream().sorted(Comparator.comparingDouble(EngineRun::iops)).toList();
        return sorted.get((sorted.size() - 1) / 2);
    }

    public double medianIops() {
        double[] v = rounds.stream().mapToDouble(EngineRun::iops).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    public double minIops() {
        return rounds.stream().mapToDouble(EngineRun::iops).min().orElse(Double.NaN);
    }

    public double maxIops() {
        return rounds.stream().mapToDouble(EngineRun::iops).max().orElse(Double.NaN);
    }

    /** Half the range as a fraction of the median: 0.05 reads as "plus or minus 5 %". */
    public double spread() {
        return (maxIops() - minIops()) / 2 / medianIops();
    }

    public double medianCpuUsPerOp() {
        double[] v = rounds.stream().mapToDouble(EngineRun::cpuUsPerOp).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
