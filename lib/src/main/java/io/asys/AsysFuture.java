package io.asys;

import io.asys.internal.engine.Request;

import java.util.concurrent.CompletableFuture;

/**
 * The future of one asys operation. {@link #cancel(boolean)} keeps the JDK's contract (this
 * future completes at once with a {@code CancellationException}) and also asks the kernel to
 * cancel the operation, which still completes exactly once inside asys, its buffers held until then.
 */
public final class AsysFuture<T> extends CompletableFuture<T> {
    private static final java.lang.invoke.VarHandle DELIVERIES;

    static {
        try {
            DELIVERIES = java.lang.invoke.MethodHandles.lookup().findVarHandle(AsysFuture.class, "deliveries", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Request<T> request;
    private Asys asys;
    /** Calls of complete/completeExceptionally, effective or not (see {@link #deliveries()}). */
    private volatile int deliveries;

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
    public boolean complete(T value) {
        DELIVERIES.getAndAdd(this, 1);
        return super.complete(value);
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
        DELIVERIES.getAndAdd(this, 1);
        return super.completeExceptionally(failure);
    }

    /**
     * How many times a result was delivered to this future ({@code complete} or
     * {@code completeExceptionally} called, whether or not it took effect; {@link #cancel} is
     * not a delivery). asys delivers exactly once per operation, even after a {@code cancel}:
     * a value above 1 is a duplicate completion (the fuzzer checks it), unless the caller
     * completed the future itself.
     */
    public int deliveries() {
        return deliveries;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
