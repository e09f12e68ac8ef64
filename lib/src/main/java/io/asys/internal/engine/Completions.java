package io.asys.internal.engine;

import io.asys.Errno;
import io.asys.Errors;
import io.asys.OperationTimeoutException;

/** Turns a raw result into the completion of a request's future: the one place results become typed. */
public final class Completions {
    private Completions() {
    }

    public static <T> void complete(Request<T> request, int res) {
        if (request.done) {
            return;
        }
        request.done = true;
        try {
            if (res >= 0) {
                request.future.complete(request.op.result(res));
            } else if (res == -Errno.ECANCELED && request.timeout != null && !request.cancelRequested) {
                request.future.completeExceptionally(
                        new OperationTimeoutException(request.op.name(), request.op.path(), request.timeout));
            } else {
                request.future.completeExceptionally(Errors.exception(request.op.name(), request.op.path(), res));
            }
        } catch (RuntimeException e) {
            request.future.completeExceptionally(e);
        } finally {
            if (request.onDone != null) {
                request.onDone.run();
            }
        }
    }
}
