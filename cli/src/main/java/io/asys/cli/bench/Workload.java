package io.asys.cli.bench;

/** One bench thread's work on one engine. Implementations run on the thread that calls {@link #run}. */
public interface Workload {
    /** Runs until the spec's time or operation count is reached, reporting progress as it goes. */
    ThreadResult run(BenchSpec spec, int threadIndex, Progress progress) throws Exception;
}
