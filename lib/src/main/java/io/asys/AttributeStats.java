package io.asys;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a stream of completion attributes into per-operation-type summaries: cache hit ratio,
 * operations per execution path, and latency (count, mean, max, and percentiles from power-of-two
 * buckets, so within a factor of two; the CLI uses HdrHistogram for exact ones). Thread-safe.
 */
public final class AttributeStats {
    private final Map<String, Totals> byOp = new ConcurrentHashMap<>();

    /** Adds one completion of {@code op} (nothing if it carried no attributes). */
    public void record(Op<?> op, CompletionAttributes attributes) {
        if (attributes != null) {
            byOp.computeIfAbsent(op.name(), n -> new Totals()).add(attributes);
        }
    }

    /** The summary of every operation type seen, by the system call's name. */
    public Map<String, Summary> summaries() {
        Map<String, Summary> out = new TreeMap<>();
        byOp.forEach((name, t) -> out.put(name, t.summary()));
        return out;
    }

    /**
     * What one operation type did: {@code cache} counts by {@link CacheResult} (of operations that
     * had one), {@code paths} counts by {@link ExecutionPath}, latency in nanoseconds.
     */
    public record Summary(long count, Map<CacheResult, Long> cache, Map<ExecutionPath, Long> paths,
                          long latencyCount, double latencyMean, long latencyMax, long[] latencyBuckets) {
        /** Hits over operations with a cache result; NaN when none had one. */
        public double hitRatio() {
            long all = cache.values().stream().mapToLong(Long::longValue).sum();
            return all == 0 ? Double.NaN : cache.getOrDefault(CacheResult.HIT, 0L) / (double) all;
        }

        /** An upper bound of the latency percentile {@code p} (0..100), within a factor of two. */
        public long latencyPercentile(double p) {
            long rank = (long) Math.ceil(p / 100 * latencyCount);
            long seen = 0;
            for (int b = 0; b < latencyBuckets.length; b++) {
                seen += latencyBuckets[b];
                if (seen >= Math.max(1, rank)) {
                    return Math.min(latencyMax, b == 63 ? Long.MAX_VALUE : (1L << b) - 1 + (1L << b));
                }
            }
            return latencyMax;
        }
    }

    private static final class Totals {
        private long count;
        private final EnumMap<CacheResult, Long> cache = new EnumMap<>(CacheResult.class);
        private final EnumMap<ExecutionPath, Long> paths = new EnumMap<>(ExecutionPath.class);
        private long latencyCount;
        private double latencySum;
        private long latencyMax;
        private final long[] buckets = new long[64];

        synchronized void add(CompletionAttributes a) {
            count++;
            if (a.requested(Attribute.CACHE) && a.isSupported(Attribute.CACHE)) {
                cache.merge(a.cache(), 1L, Long::sum);
            }
            if (a.requested(Attribute.PATH) && a.isSupported(Attribute.PATH)) {
                paths.merge(a.path(), 1L, Long::sum);
            }
            if (a.requested(Attribute.LATENCY)) {
                long ns = Math.max(0, a.latencyNanos());
                latencyCount++;
                latencySum += ns;
                latencyMax = Math.max(latencyMax, ns);
                buckets[63 - Long.numberOfLeadingZeros(Math.max(1, ns))]++;
            }
        }

        synchronized Summary summary() {
            return new Summary(count, Map.copyOf(cache), Map.copyOf(paths), latencyCount,
                    latencyCount == 0 ? Double.NaN : latencySum / latencyCount, latencyMax, buckets.clone());
        }
    }
}
