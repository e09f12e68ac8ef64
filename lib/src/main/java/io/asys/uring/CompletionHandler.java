package io.asys.uring;

/**
 * Receives completions from {@link IoUring#reap}: the operation's user data, its raw result
 * ({@code >= 0} success, {@code -errno} failure) and the CQE flags. Called on the reaping thread;
 * the operation's slot (and its attachment) is released when this returns, unless the CQE has
 * {@link IoUringAbi#IORING_CQE_F_MORE}.
 */
@FunctionalInterface
public interface CompletionHandler {
    void onCompletion(long userData, int res, int flags);
}
