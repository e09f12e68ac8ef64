package io.asys;

/**
 * How an operation ran. The kernel does not say whether io_uring used an io-wq worker or an
 * asynchronous wake-up (poll, async buffered read) for an operation that did not complete at
 * once: both are {@link #URING_ASYNC}.
 */
public enum ExecutionPath {
    /** On the submitting thread, no thread switch (the worker engine's non-blocking first attempt). */
    INLINE,
    /** io_uring, completed within the io_uring_enter that submitted it: it never blocked. */
    URING_NONBLOCKING,
    /** io_uring, completed later: an io-wq worker thread or an asynchronous wake-up. */
    URING_ASYNC,
    /** An asys worker thread, as a blocking system call. */
    WORKER
}
