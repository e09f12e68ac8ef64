package io.asys;

/**
 * What an operation can be asked to report with its completion (seed 001's per-operation
 * attributes). Requested per operation ({@link Asys#submit(Op, java.util.Set)}) or for every
 * operation of an instance ({@link Asys#defaultAttributes}); nothing is measured when none is asked for.
 */
public enum Attribute {
    /** Nanoseconds from submission to completion. */
    LATENCY,
    /** Nanoseconds from submission until the kernel (its SQE submitted) or a worker took the operation. */
    QUEUE_TIME,
    /** For reads: whether the data came from the page cache ({@link CacheResult}), and how asys knows. */
    CACHE,
    /** How the operation ran ({@link ExecutionPath}). */
    PATH,
    /** CPU time of the thread that ran the operation (asys's own threads only). */
    CPU;

    /** The id an attribute travels with in the completion ring's entries. */
    public int id() {
        return ordinal() + 1;
    }

    /** Parses {@code latency,cache,path} (case-insensitive); a clear error for anything else. */
    public static java.util.Set<Attribute> parse(String list) {
        java.util.EnumSet<Attribute> set = java.util.EnumSet.noneOf(Attribute.class);
        for (String name : list.split(",")) {
            String n = name.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
            if (n.isEmpty()) {
                continue;
            }
            try {
                set.add(valueOf(n));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown attribute '" + name.trim() + "': use latency, queue_time, cache, path, cpu");
            }
        }
        return set;
    }
}
