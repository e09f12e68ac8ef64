package io.asys;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A cap on the O_DIRECT operations the blocking facade has in flight (the JDK's virtual threads
 * have about 256, one per compensating carrier; a disk is often slower far past its queue's
 * depth). Past the cap an operation waits here, not started, in arrival order, and is started by
 * the completion that frees a place; its thread parks once, on its result, as it would anyway.
 * Thread-safe, lock-free.
 */
final class DirectAdmission {
    /** Property: O_DIRECT operations in flight from one {@link Blocking} at most (0: no cap). */
    static final String DEPTH_PROP_NAME = "asys.blocking.directDepth";
    static final int DEPTH_DEFAULT = 0;

    private final int depth;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ConcurrentLinkedQueue<Waiting> waiting = new ConcurrentLinkedQueue<>();

    DirectAdmission(int depth) {
        this.depth = depth;
    }

    /** The facade's cap from {@link #DEPTH_PROP_NAME}, or null when there is none. */
    static DirectAdmission fromProperty() {
        int depth = Integer.getInteger(DEPTH_PROP_NAME, DEPTH_DEFAULT);
        return depth > 0 ? new DirectAdmission(depth) : null;
    }

    /**
     * An operation not started yet: its future completes with the started operation's outcome.
     * {@link #withdraw} takes it back (interrupt) if it has not started.
     */
    static final class Waiting extends CompletableFuture<Integer> {
        private final Supplier<AsysFuture<Integer>> start;
        private final AtomicInteger state = new AtomicInteger(); // 0 waiting, 1 started, 2 withdrawn
        private volatile AsysFuture<Integer> started;

        Waiting(Supplier<AsysFuture<Integer>> start) {
            this.start = start;
        }

        /** Withdraws it if not started (it then completes cancelled); else asks asys to cancel the operation. */
        void withdraw(Asys asys) {
            if (state.compareAndSet(0, 2)) {
                cancel(false);
                return;
            }
            AsysFuture<Integer> f = started;
            if (f != null) {
                asys.cancel(f);
            }
        }
    }

    /** Starts the operation now if a place is free, else queues it; the future of its result. */
    CompletableFuture<Integer> submit(Supplier<AsysFuture<Integer>> start) {
        if (tryEnter()) {
            AsysFuture<Integer> f;
            try {
                f = start.get();
            } catch (RuntimeException e) {
                leave();
                throw e;
            }
            if (f.isDone()) {
                leave(); // refused at once (a closed handle): no completion will come to free the place
            } else {
                f.whenComplete((r, t) -> leave());
            }
            return f;
        }
        Waiting w = new Waiting(start);
        waiting.offer(w);
        // A place freed between the failed entry and the offer saw an empty queue: look again.
        drain();
        return w;
    }

    private boolean tryEnter() {
        while (true) {
            int n = inFlight.get();
            if (n >= depth) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private void leave() {
        inFlight.decrementAndGet();
        drain();
    }

    private static void pass(AsysFuture<Integer> f, Waiting w) {
        try {
            w.complete(f.join());
        } catch (RuntimeException e) {
            w.completeExceptionally(e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                    ? e.getCause() : e);
        }
    }

    /** Starts waiting operations while places are free. */
    private void drain() {
        while (!waiting.isEmpty() && tryEnter()) {
            Waiting w = waiting.poll();
            if (w == null || !w.state.compareAndSet(0, 1)) {
                // Taken by another drain, or withdrawn: give the place back and look again.
                inFlight.decrementAndGet();
                continue;
            }
            AsysFuture<Integer> f;
            try {
                f = w.start.get();
            } catch (RuntimeException e) {
                inFlight.decrementAndGet();
                w.completeExceptionally(e);
                continue;
            }
            w.started = f;
            if (f.isDone()) {
                // Refused at once: pass it on here, in this loop (a callback would recurse into drain).
                inFlight.decrementAndGet();
                pass(f, w);
                continue;
            }
            f.whenComplete((r, t) -> {
                pass(f, w);
                leave();
            });
        }
    }
}
