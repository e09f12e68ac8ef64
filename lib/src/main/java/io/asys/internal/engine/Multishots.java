package io.asys.internal.engine;

import io.asys.Op;

/**
 * The item side of multishot operations, shared by both engines: each raw result becomes an item
 * for the consumer, the count is kept, and the end completes the future once with the count or
 * with what ended it (the consumer's exception first).
 */
public final class Multishots {
    private Multishots() {
    }

    /**
     * Hands the item of raw result {@code res} (in buffer {@code bufferId}, or -1) to the
     * consumer. False if the operation must stop: its consumer failed now or before (an item
     * nobody will see is discarded: its fd closed, its buffer released).
     */
    public static <I> boolean deliver(Request<?> r, Op.Multishot<I> m, int res, int bufferId) {
        I item;
        try {
            item = m.item(res, bufferId);
        } catch (RuntimeException e) {
            if (r.itemFailure == null) {
                r.itemFailure = e;
            }
            return false;
        }
        if (r.itemFailure != null) {
            m.discard(item);
            return false;
        }
        r.items++;
        try {
            m.consumer().accept(item);
            return true;
        } catch (Throwable t) {
            r.itemFailure = t;
            return false;
        }
    }

    /** Ends the operation: the consumer's failure, else {@code res} (0 completes with the item count). */
    public static void finish(Request<?> r, int res) {
        r.value = r.items;
        if (r.itemFailure != null) {
            Completions.fail(r, r.itemFailure);
        } else {
            Completions.complete(r, res);
        }
    }
}
