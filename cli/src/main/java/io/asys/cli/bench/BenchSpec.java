package io.asys.cli.bench;

import java.nio.file.Path;
import java.util.Set;

/**
 * What one bench run does, after option parsing and validation. Immutable. {@code dir} and
 * {@code files} are the tree of the metadata ops ({@link #isMeta()}); the others use {@code file}.
 */
public record BenchSpec(String op, Path file, long size, int bs, int qd, int batch, boolean direct,
                        double seconds, long ops, int threads, String engine, Path dir, int files) {

    /** Operations on the files of a tree rather than on the data of one file. */
    public static final Set<String> META_OPS = Set.of("statx", "openclose", "mkdir-unlink");

    public boolean isNop() {
        return op.equals("nop");
    }

    public boolean isMeta() {
        return META_OPS.contains(op);
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

    /** First index (inclusive) of thread {@code t}'s share of the tree's files. */
    public int filesFrom(int t) {
        return (int) ((long) files * t / threads);
    }

    /** Last index (exclusive) of thread {@code t}'s share of the tree's files. */
    public int filesTo(int t) {
        return (int) ((long) files * (t + 1) / threads);
    }
}
