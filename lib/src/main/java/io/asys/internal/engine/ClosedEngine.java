package io.asys.internal.engine;

/**
 * The engine of an asys that is closing: it refuses every request ({@link Completions#reject}),
 * as the real engines do once their own close has begun. Routing hands it out for requests that
 * would have gone to an engine made on demand (the worker fallback) after close began, where
 * handing them to the primary engine before its close flag is up would let it take an operation
 * it cannot run.
 */
public final class ClosedEngine implements Engine {
    public static final ClosedEngine INSTANCE = new ClosedEngine();

    private ClosedEngine() {
    }

    @Override
    public String name() {
        return "closed";
    }

    @Override
    public void submit(Request<?> request) {
        Completions.reject(request);
    }

    @Override
    public void cancel(Request<?> request) {
        request.cancelRequested = true; // already completed by submit
    }

    @Override
    public void cancelFd(int fd) {
    }

    @Override
    public boolean isClosed() {
        return true;
    }

    @Override
    public void close() {
    }
}
