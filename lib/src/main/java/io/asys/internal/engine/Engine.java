package io.asys.internal.engine;

/**
 * What {@code Asys} needs from an engine: take requests (and chains) from any thread without
 * blocking, cancel them, and complete every one exactly once, also at close.
 */
public interface Engine extends AutoCloseable {
    /** {@code uring} or {@code workers}. */
    String name();

    void submit(Request<?> request);

    /** Asks for a cancel; the request still completes exactly once (ECANCELED or its result). */
    void cancel(Request<?> request);

    /** Cancels every request in flight on {@code fd}. */
    void cancelFd(int fd);

    boolean isClosed();

    /**
     * Moves the engine's thread and its kernel workers to {@code cpu} (CPU_ANY: back to every CPU
     * the process may use); engines without a thread of their own ignore it.
     */
    default java.util.concurrent.CompletableFuture<Void> moveTo(int cpu) {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    /** Completes everything still queued or in flight (cancelled), then stops. */
    @Override
    void close();
}
