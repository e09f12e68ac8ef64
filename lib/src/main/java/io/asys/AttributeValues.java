package io.asys;

import io.asys.internal.engine.Request;

import java.util.EnumMap;
import java.util.Map;

/** Turns what an engine recorded in a request into {@link CompletionAttributes}, with a reason for every gap. */
final class AttributeValues {
    private AttributeValues() {
    }

    static CompletionAttributes of(Request<?> r, String engine) {
        Map<Attribute, CompletionAttributes.Value> values = new EnumMap<>(Attribute.class);
        for (Attribute a : Attribute.values()) {
            if (r.wants(a)) {
                values.put(a, value(r, a, engine));
            }
        }
        return new CompletionAttributes(values, r.measured.cacheMethod);
    }

    private static CompletionAttributes.Value value(Request<?> r, Attribute a, String engine) {
        return switch (a) {
            // Refusals before any engine ran it (closed engine, bad chain step) complete without a timestamp.
            case LATENCY -> r.measured.completeNanos != 0 ? measured(r.measured.completeNanos - r.measured.submitNanos)
                    : unsupported("refused before the " + engine + " engine ran it (no completion time)");
            case QUEUE_TIME -> r.measured.takenNanos >= 0 ? measured(Math.max(0, r.measured.takenNanos - r.measured.submitNanos))
                    : unsupported("never taken by the " + engine + " engine (refused or cancelled before)");
            case CACHE -> r.measured.cache >= 0 ? measured(r.measured.cache)
                    : unsupported(r.measured.cacheUnsupported != null ? r.measured.cacheUnsupported
                            : io.asys.internal.engine.AttributeProbes.readRange(r.op) == null
                            ? "only reads have a cache result (" + r.op.name() + ")"
                            : "not measured by the " + engine + " engine (the operation did not run)");
            case PATH -> r.measured.path >= 0 ? measured(r.measured.path) : unsupported("never run by the " + engine + " engine (refused or cancelled before)");
            case CPU -> r.measured.cpuNanos >= 0 ? measured(r.measured.cpuNanos)
                    : unsupported(r.measured.cpuUnsupported != null ? r.measured.cpuUnsupported : "not measured by the " + engine + " engine");
        };
    }

    private static CompletionAttributes.Value measured(long v) {
        return new CompletionAttributes.Value(v, null);
    }

    private static CompletionAttributes.Value unsupported(String why) {
        return new CompletionAttributes.Value(0, why);
    }
}
