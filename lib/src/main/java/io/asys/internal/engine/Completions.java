package io.asys.internal.engine;

import io.asys.Errno;
import io.asys.Errors;
import io.asys.FileHandle;
import io.asys.internal.linux.LibC;
import io.asys.Op;
import io.asys.OperationTimeoutException;

/** Turns a raw result into the completion of a request's future: the one place results become typed. */
public final class Completions {
    static {
        // Load every class of the failure path now: completing an error must not need a class
        // file opened later, when the process may have no descriptor left (EMFILE).
        for (int errno : new int[] {Errno.ENOENT, Errno.EACCES, Errno.EEXIST, Errno.ENOTEMPTY, Errno.ENOTDIR, Errno.EBADF}) {
            Errors.exception("load", "/", -errno);
        }
        new OperationTimeoutException("load", null, java.time.Duration.ZERO).getMessage();
        Errors.errnoOf(new IllegalStateException());
    }

    private Completions() {
    }

    public static <T> void complete(Request<T> request, int res) {
        if (request.done) {
            return;
        }
        request.done = true;
        if (request.attrMask != 0) {
            request.measured.completeNanos = System.nanoTime();
        }
        // An expired timeout (-ETIME) is a sleep's success; it is submitted with
        // IORING_TIMEOUT_ETIME_SUCCESS, so a step linked after it runs too.
        if (res == -Errno.ETIME && request.op instanceof Op.Timeout) {
            res = 0;
        }
        T result = null;
        Throwable failure = null;
        try {
            if (res >= 0) {
                @SuppressWarnings("unchecked")
                T decoded = (T) request.value;
                result = decoded != null ? decoded : request.op.result(res);
            } else if (res == -Errno.ECANCELED && request.timedOut) {
                failure = new OperationTimeoutException(request.op.name(), request.op.path(), request.timeout);
            } else {
                failure = Errors.exception(request.op.name(), request.op.path(), res);
            }
        } catch (RuntimeException | LinkageError e) {
            failure = e;
        }
        // Release the file handle's hold first: whoever sees the future done sees the hold gone.
        if (request.onDone != null) {
            request.onDone.run();
        }
        if (failure != null) {
            request.future.completeExceptionally(failure);
        } else if (!request.future.complete(result) && result instanceof FileHandle orphan) {
            // The caller gave up on the future (cancelled it) before the descriptor arrived:
            // nobody else can close it.
            new LibC().close(orphan.fd());
        }
    }

    /** Fails a request with {@code failure} (a multishot whose consumer threw), exactly once. */
    public static void fail(Request<?> request, Throwable failure) {
        if (request.done) {
            return;
        }
        request.done = true;
        if (request.attrMask != 0) {
            request.measured.completeNanos = System.nanoTime();
        }
        if (request.onDone != null) {
            request.onDone.run();
        }
        request.future.completeExceptionally(failure);
    }

    /**
     * Fails a request, or a chain from its head, that an engine refused because it is closed:
     * it never ran. Each step not yet done completes once with {@link EngineClosedException},
     * its file-handle hold released first (as {@link #complete} does).
     */
    public static void reject(Request<?> head) {
        for (Request<?> r = head; r != null; r = r.next) {
            if (r.done) {
                continue;
            }
            r.done = true;
            if (r.onDone != null) {
                r.onDone.run();
            }
            r.future.completeExceptionally(new EngineClosedException());
        }
    }
}
