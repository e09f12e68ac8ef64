package io.asys.cli.bench;

/** One bench thread's work on one engine. Implementations run on the thread that calls {@link #run}. */
public interface Workload {
    /**
     * Builds what every thread shares (paths, trees), on the calling thread, before the clock and
     * the CPU accounting start. Called once per run.
     */
    default void prepare(BenchSpec spec) throws Exception {
    }

    /** Runs until the spec's time or operation count is reached, reporting progress as it goes. */
    ThreadResult run(BenchSpec spec, int threadIndex, Progress progress) throws Exception;

    /** Frees what {@link #prepare} built, after every thread has returned. */
    default void release() {
    }
}
