package io.asys;

import java.util.EnumMap;
import java.util.Map;

/**
 * The attributes one completion carries: for each one asked for, a value, or the reason it
 * cannot be measured there (engine, kernel, operation type) — never a silent zero. Immutable.
 */
public final class CompletionAttributes {
    /** A measured value, or why there is none. */
    public record Value(long value, String unsupported) {
        public boolean isSupported() {
            return unsupported == null;
        }

        @Override
        public String toString() {
            return isSupported() ? Long.toString(value) : "unsupported (" + unsupported + ")";
        }
    }

    private final Map<Attribute, Value> values;
    private final String cacheMethod;

    CompletionAttributes(Map<Attribute, Value> values, String cacheMethod) {
        this.values = new EnumMap<>(values);
        this.cacheMethod = cacheMethod;
    }

    /** Whether {@code a} was asked for. */
    public boolean requested(Attribute a) {
        return values.containsKey(a);
    }

    /** The value or reason for {@code a}; throws if it was not asked for. */
    public Value get(Attribute a) {
        Value v = values.get(a);
        if (v == null) {
            throw new IllegalStateException(a + " was not requested for this operation");
        }
        return v;
    }

    public boolean isSupported(Attribute a) {
        return get(a).isSupported();
    }

    /** The measured value of {@code a}; throws {@link UnsupportedOperationException} naming why there is none. */
    public long value(Attribute a) {
        Value v = get(a);
        if (!v.isSupported()) {
            throw new UnsupportedOperationException(a + " unsupported here: " + v.unsupported());
        }
        return v.value();
    }

    public long latencyNanos() {
        return value(Attribute.LATENCY);
    }

    public long queueNanos() {
        return value(Attribute.QUEUE_TIME);
    }

    public CacheResult cache() {
        return CacheResult.values()[(int) value(Attribute.CACHE)];
    }

    /** How the cache result was found: {@code rwf_nowait} (a non-blocking first attempt), {@code cachestat}, {@code o_direct}. */
    public String cacheMethod() {
        value(Attribute.CACHE);
        return cacheMethod;
    }

    public ExecutionPath path() {
        return ExecutionPath.values()[(int) value(Attribute.PATH)];
    }

    public long cpuNanos() {
        return value(Attribute.CPU);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        values.forEach((a, v) -> {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(a.name().toLowerCase(java.util.Locale.ROOT)).append('=');
            if (!v.isSupported()) {
                sb.append(v);
            } else if (a == Attribute.CACHE) {
                sb.append(CacheResult.values()[(int) v.value()]).append(" (").append(cacheMethod).append(')');
            } else if (a == Attribute.PATH) {
                sb.append(ExecutionPath.values()[(int) v.value()]);
            } else {
                sb.append(v.value()).append(" ns");
            }
        });
        return sb.append('}').toString();
    }
}
