package io.asys.cli.bench;

import io.asys.Attribute;
import io.asys.CacheResult;
import io.asys.CompletionAttributes;
import io.asys.ExecutionPath;
import org.HdrHistogram.Histogram;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The bench's view of the attributes its operations returned ({@code --attrs}): latency
 * percentiles overall and split by cache hit and miss, the hit ratio, operations per execution
 * path, queue time and CPU time, each attribute either summarised or reported unsupported with
 * the reason. Thread-safe (one lock; only used when attributes are asked for).
 */
final class AttributeSummary {
    private final Set<Attribute> wanted;
    private final Histogram latency = new Histogram(3);
    private final Histogram latencyHit = new Histogram(3);
    private final Histogram latencyMiss = new Histogram(3);
    private final Histogram queue = new Histogram(3);
    private final Histogram cpu = new Histogram(3);
    private final EnumMap<CacheResult, Long> cache = new EnumMap<>(CacheResult.class);
    private final EnumMap<ExecutionPath, Long> paths = new EnumMap<>(ExecutionPath.class);
    private final Map<Attribute, String> unsupported = new EnumMap<>(Attribute.class);
    private final Map<String, Long> cacheMethods = new TreeMap<>();

    AttributeSummary(Set<Attribute> wanted) {
        this.wanted = wanted;
    }

    Set<Attribute> wanted() {
        return wanted;
    }

    synchronized void record(CompletionAttributes a) {
        if (a == null) {
            return;
        }
        CacheResult hitOrMiss = null;
        for (Attribute attr : wanted) {
            CompletionAttributes.Value v = a.get(attr);
            if (!v.isSupported()) {
                unsupported.putIfAbsent(attr, v.unsupported());
                continue;
            }
            switch (attr) {
                case LATENCY -> latency.recordValue(Math.max(0, v.value()));
                case QUEUE_TIME -> queue.recordValue(Math.max(0, v.value()));
                case CPU -> cpu.recordValue(Math.max(0, v.value()));
                case PATH -> paths.merge(a.path(), 1L, Long::sum);
                case CACHE -> {
                    hitOrMiss = a.cache();
                    cache.merge(hitOrMiss, 1L, Long::sum);
                    cacheMethods.merge(a.cacheMethod(), 1L, Long::sum);
                }
            }
        }
        if (hitOrMiss != null && wanted.contains(Attribute.LATENCY) && a.isSupported(Attribute.LATENCY)) {
            (hitOrMiss == CacheResult.HIT ? latencyHit : latencyMiss).recordValue(Math.max(0, a.latencyNanos()));
        }
    }

    synchronized void add(AttributeSummary other) {
        synchronized (other) {
            latency.add(other.latency);
            latencyHit.add(other.latencyHit);
            latencyMiss.add(other.latencyMiss);
            queue.add(other.queue);
            cpu.add(other.cpu);
            other.cache.forEach((k, v) -> cache.merge(k, v, Long::sum));
            other.paths.forEach((k, v) -> paths.merge(k, v, Long::sum));
            other.cacheMethods.forEach((k, v) -> cacheMethods.merge(k, v, Long::sum));
            other.unsupported.forEach(unsupported::putIfAbsent);
        }
    }

    /** The {@code attrs} object of the bench's JSON. */
    synchronized Json json() {
        Json j = new Json();
        for (Attribute attr : wanted) {
            String key = attr.name().toLowerCase(java.util.Locale.ROOT);
            String why = unsupported.get(attr);
            boolean measured = switch (attr) {
                case LATENCY -> latency.getTotalCount() > 0;
                case QUEUE_TIME -> queue.getTotalCount() > 0;
                case CPU -> cpu.getTotalCount() > 0;
                case PATH -> !paths.isEmpty();
                case CACHE -> !cache.isEmpty();
            };
            if (!measured) {
                j.put(key, new Json().put("unsupported", why == null ? "no operation reported it" : why));
                continue;
            }
            j.put(key, switch (attr) {
                case LATENCY -> {
                    Json l = percentiles(latency);
                    if (latencyHit.getTotalCount() > 0) {
                        l.put("hit", percentiles(latencyHit));
                    }
                    if (latencyMiss.getTotalCount() > 0) {
                        l.put("miss", percentiles(latencyMiss));
                    }
                    yield l;
                }
                case QUEUE_TIME -> percentiles(queue);
                case CPU -> percentiles(cpu);
                case PATH -> {
                    Json counts = new Json();
                    paths.forEach((p, n) -> counts.put(p.name().toLowerCase(java.util.Locale.ROOT), n));
                    yield new Json().put("counts", counts);
                }
                case CACHE -> {
                    long all = cache.values().stream().mapToLong(Long::longValue).sum();
                    Json methods = new Json();
                    cacheMethods.forEach(methods::put);
                    yield new Json().put("hit_ratio", cache.getOrDefault(CacheResult.HIT, 0L) / (double) all)
                            .put("hits", cache.getOrDefault(CacheResult.HIT, 0L))
                            .put("partial", cache.getOrDefault(CacheResult.PARTIAL, 0L))
                            .put("misses", cache.getOrDefault(CacheResult.MISS, 0L))
                            .put("methods", methods);
                }
            });
        }
        return j;
    }

    private static Json percentiles(Histogram h) {
        return new Json().put("count", h.getTotalCount()).put("p50", h.getValueAtPercentile(50))
                .put("p99", h.getValueAtPercentile(99)).put("p999", h.getValueAtPercentile(99.9))
                .put("max", h.getMaxValue()).put("mean", h.getMean());
    }
}
