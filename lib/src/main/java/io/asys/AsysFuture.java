package io.asys;

import io.asys.internal.engine.Request;

import java.util.concurrent.CompletableFuture;

/**
 * The future of one asys operation. {@link #cancel(boolean)} keeps the JDK's contract (this
 * future completes at once with a {@code CancellationException}) and also asks the kernel to
 * cancel the operation, which still completes exactly once inside asys, its buffers held until then.
 */
public final class AsysFuture<T> extends CompletableFuture<T> {
    private Request<T> request;
    private Asys asys;

    void bind(Request<T> request, Asys asys) {
        this.request = request;
        this.asys = asys;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled && asys != null) {
            asys.cancelRequest(request);
        }
        return cancelled;
    }

    /** Asks the kernel to cancel; this future then completes with ECANCELED, or with the result if it came first. */
    void requestKernelCancel() {
        if (asys != null) {
            asys.cancelRequest(request);
        }
    }

    /**
     * The attributes asked for with this operation ({@link Asys#submit(Op, java.util.Set)}), once
     * it has completed; {@code null} before, or when none were asked for.
     */
    public CompletionAttributes attributes() {
        Request<T> r = request;
        if (r == null || r.attrMask == 0 || !isDone()) {
            return null;
        }
        CompletionAttributes a = attributes;
        if (a == null) {
            a = AttributeValues.of(r, asys.engineOf(r));
            attributes = a;
        }
        return a;
    }

    private volatile CompletionAttributes attributes;

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
