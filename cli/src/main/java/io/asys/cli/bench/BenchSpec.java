package io.asys.cli.bench;

import java.nio.file.Path;

/** What one bench run does, after option parsing and validation. Immutable. */
public record BenchSpec(String op, Path file, long size, int bs, int qd, int batch, boolean direct,
                        double seconds, long ops, int threads, String engine) {

    public boolean isNop() {
        return op.equals("nop");
    }

    public boolean isWrite() {
        return op.endsWith("write");
    }

    public boolean isRandom() {
        return op.startsWith("rand");
    }

    /** The time limit in nanoseconds, or {@code Long.MAX_VALUE} when a count of operations stops the run. */
    public long durationNanos() {
        return ops > 0 ? Long.MAX_VALUE : (long) (seconds * 1e9);
    }

    /** Operations each thread does when a count stops the run, else {@code Long.MAX_VALUE}. */
    public long opsPerThread() {
        return ops > 0 ? Math.max(1, ops / threads) : Long.MAX_VALUE;
    }
}
