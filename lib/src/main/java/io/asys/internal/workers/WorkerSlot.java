package io.asys.internal.workers;

import io.asys.internal.engine.Request;

/**
 * One worker thread's hand-off to itself: while the worker reaps completions, the first request
 * their callbacks submit is kept here and run next by the same worker, with no queue, no wake-up
 * and no parked thread (an asynchronous loop's next read follows its last one on one thread, as
 * a synchronous loop would). Only its own worker thread touches it.
 */
final class WorkerSlot {
    /** The worker is reaping: callbacks run on it now. */
    boolean reaping;
    private Request<?> kept;

    /** Keeps {@code head} if the worker is reaping and keeps nothing yet; false: queue it. */
    boolean keep(Request<?> head) {
        if (!reaping || kept != null) {
            return false;
        }
        kept = head;
        return true;
    }

    /** The kept request, or null; the slot is empty afterwards. */
    Request<?> takeKept() {
        Request<?> r = kept;
        kept = null;
        return r;
    }
}
