package io.asys.cli.bench;

import io.asys.Errno;

/** What the bench loops do with an {@code io_uring_enter} result: retry the transient, stop on the rest. */
final class EnterResults {
    private EnterResults() {
    }

    /** Returns normally for success and for EINTR, EAGAIN and EBUSY (the next turn retries); throws otherwise. */
    static void check(int ret) {
        if (ret < 0 && ret != -Errno.EINTR && ret != -Errno.EAGAIN && ret != -Errno.EBUSY) {
            throw new IllegalStateException("io_uring_enter: " + Errno.describe(ret));
        }
    }
}
