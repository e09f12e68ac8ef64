package io.asys.cli.fuzz;

import io.asys.Errno;
import io.asys.Errors;
import io.asys.OperationTimeoutException;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The outcome of one fuzzed operation as a long: {@code >= 0} a success value, {@code -1..-4095}
 * a {@code -errno}, and named sentinels below that for what never reached the kernel.
 */
final class Outcome {
    /** Refused before any system call (bad buffer, NUL in a name): an IllegalArgument/StateException. */
    static final long REFUSED = -10_001;
    /** Failed because the Asys was closed. */
    static final long CLOSED = -10_002;
    /** Cancelled by its own timeout (OperationTimeoutException). */
    static final long TIMEOUT = -10_003;
    /** The caller cancelled the future (JDK CancellationException). */
    static final long JDK_CANCELLED = -10_004;
    /** UnsupportedOperationException (the raw-call whitelist, an opcode missing). */
    static final long UNSUPPORTED = -10_005;
    /** Any other exception: always a failure of the fuzz run. */
    static final long UNEXPECTED = -10_006;
    /** Not completed within the bound. */
    static final long HUNG = -10_007;

    private Outcome() {
    }

    /** The outcome of a completed future's value or failure; successes of opens and statx map to 0. */
    static long of(Object value, Throwable failure) {
        if (failure == null) {
            return value instanceof Integer i ? i : value instanceof Long l ? l : 0;
        }
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof CancellationException) {
            return JDK_CANCELLED;
        }
        if (t instanceof OperationTimeoutException) {
            return TIMEOUT;
        }
        int errno = Errors.errnoOf(t);
        if (errno > 0) {
            return -errno;
        }
        if (t instanceof IllegalStateException && t.getMessage() != null
                && (t.getMessage().contains("engine is closed") || t.getMessage().contains("asys is closed"))) {
            return CLOSED;
        }
        if (t instanceof IllegalArgumentException || t instanceof IllegalStateException || t instanceof IndexOutOfBoundsException) {
            return REFUSED;
        }
        if (t instanceof UnsupportedOperationException) {
            return UNSUPPORTED;
        }
        return UNEXPECTED;
    }

    static String describe(long outcome) {
        if (outcome >= 0) {
            return Long.toString(outcome);
        }
        if (outcome >= -4095) {
            return "-" + Errno.name((int) -outcome);
        }
        return switch ((int) outcome) {
            case (int) REFUSED -> "REFUSED";
            case (int) CLOSED -> "CLOSED";
            case (int) TIMEOUT -> "TIMEOUT";
            case (int) JDK_CANCELLED -> "JDK_CANCELLED";
            case (int) UNSUPPORTED -> "UNSUPPORTED";
            case (int) HUNG -> "HUNG";
            default -> "UNEXPECTED";
        };
    }
}
