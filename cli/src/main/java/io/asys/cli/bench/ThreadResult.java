package io.asys.cli.bench;

import org.HdrHistogram.Histogram;

/** What one bench thread measured: operations, bytes, errors and latency (ns, submission to completion). */
public final class ThreadResult {
    public final Histogram latency = new Histogram(3);
    public long ops;
    public long bytes;
    public long errors;
    public int firstError;
    public long elapsedNanos;
    public String detail = "";
    /** Attributes the operations returned ({@code --attrs}), or null. */
    AttributeSummary attributes;

    /** Run-length buffer: consecutive equal latencies (a whole batch reaped at once) are recorded together. */
    private long pendingValue = -1;
    private long pendingCount;

    public void recordLatency(long nanos) {
        if (nanos == pendingValue) {
            pendingCount++;
            return;
        }
        flushLatency();
        pendingValue = nanos;
        pendingCount = 1;
    }

    public void flushLatency() {
        if (pendingCount > 0) {
            latency.recordValueWithCount(Math.max(0, pendingValue), pendingCount);
            pendingCount = 0;
            pendingValue = -1;
        }
    }

    public void recordError(int res) {
        if (errors++ == 0) {
            firstError = res;
        }
    }
}
