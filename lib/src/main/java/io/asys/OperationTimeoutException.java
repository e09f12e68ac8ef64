package io.asys;

import java.time.Duration;

/** An operation was cancelled by its timeout (the kernel reported ECANCELED after its link timeout fired). */
public final class OperationTimeoutException extends ErrnoException {
    private static final long serialVersionUID = 1L;

    private final transient Duration timeout;

    public OperationTimeoutException(String operation, String path, Duration timeout) {
        super(operation + " (timed out after " + timeout + ")", path, -Errno.ECANCELED);
        this.timeout = timeout;
    }

    public Duration timeout() {
        return timeout;
    }
}
