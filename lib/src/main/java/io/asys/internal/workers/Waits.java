package io.asys.internal.workers;

import io.asys.Errno;
import io.asys.Op;
import io.asys.internal.engine.Multishots;
import io.asys.internal.engine.Request;
import io.asys.internal.linux.Syscall;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.asys.internal.linux.SyscallNumbers.*;

/**
 * The worker engine's waits that have no end of their own (a futex, a child, readiness again and
 * again): each waits in slices, so that a cancel, a timeout or close ends it with ECANCELED as on
 * io_uring. Static; the native scratch is per call.
 */
final class Waits {
    static final int FUTEX_WAIT = 0;
    static final int FUTEX_WAKE = 1;
    private static final long SLICE_NANOS = 50_000_000L;
    /** waitid is polled with WNOHANG: children report no readiness an fd could wait on for every idtype. */
    private static final long CHILD_POLL_NANOS = 5_000_000L;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLLET = 1 << 31;
    private static final int EPOLL_CLOEXEC = 02000000;

    private Waits() {
    }

    /**
     * futex(FUTEX_WAIT) in slices: 0 when woken, EAGAIN if the word differs at the start,
     * ECANCELED on cancel or deadline. A word that changed between two slices counts as a wake-up
     * (its writer wakes it, maybe in that gap): futex waits may end spuriously, never falsely fail.
     */
    static int futexWait(Syscall sys, Request<?> r, Op.FutexWait o, long deadline) {
        MemorySegment ts = Arena.ofAuto().allocate(16, 8);
        for (boolean first = true; ; first = false) {
            long left = slice(r, deadline);
            if (left < 0) {
                return (int) left;
            }
            ts.set(ValueLayout.JAVA_LONG, 0, left / 1_000_000_000L);
            ts.set(ValueLayout.JAVA_LONG, 8, left % 1_000_000_000L);
            int res = (int) sys.call(FUTEX, o.word().address(), FUTEX_WAIT | o.flags(), Integer.toUnsignedLong(o.expected()),
                    ts.address(), 0, 0);
            if (res == -Errno.EAGAIN && !first) {
                return 0;
            }
            if (res != -Errno.ETIMEDOUT && res != -Errno.EINTR) {
                return res;
            }
        }
    }

    /** waitid, polled with WNOHANG unless the caller asked for WNOHANG itself: 0 with the siginfo filled in. */
    static int waitid(Syscall sys, Request<?> r, Op.Waitid o, long deadline) {
        while (true) {
            o.info().fill((byte) 0);
            int res = (int) sys.call(WAITID, o.idtype(), o.id(), o.info().address(), o.options() | Op.WNOHANG, 0, 0);
            boolean found = o.info().get(ValueLayout.JAVA_INT, 16) != 0;
            if (res < 0 || found || (o.options() & Op.WNOHANG) != 0) {
                return res;
            }
            long left = slice(r, deadline);
            if (left < 0) {
                return (int) left;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Math.min(left, CHILD_POLL_NANOS));
        }
    }

    /**
     * Readiness again and again, edge-triggered as io_uring's multishot poll: an epoll instance of
     * its own with EPOLLET, each wake-up an item (the events).
     */
    static int pollEach(Syscall sys, Request<?> r, Op.PollMultishot o, long deadline) {
        int epfd = (int) sys.call(EPOLL_CREATE1, EPOLL_CLOEXEC, 0, 0, 0, 0, 0);
        if (epfd < 0) {
            return epfd;
        }
        try {
            // struct epoll_event is packed on x86_64 (12 bytes), 16 on aarch64: events at 0 either way.
            MemorySegment event = Arena.ofAuto().allocate(16, 8);
            event.set(ValueLayout.JAVA_INT, 0, o.events() | EPOLLET);
            int res = (int) sys.call(EPOLL_CTL, epfd, EPOLL_CTL_ADD, o.handle().fd(), event.address(), 0, 0);
            if (res < 0) {
                return res;
            }
            while (true) {
                long left = slice(r, deadline);
                if (left < 0) {
                    return (int) left;
                }
                int n = (int) sys.call(EPOLL_PWAIT, epfd, event.address(), 1, Math.max(1, left / 1_000_000L), 0, 8);
                if (n < 0 && n != -Errno.EINTR) {
                    return n;
                }
                if (n > 0 && !Multishots.deliver(r, o, event.get(ValueLayout.JAVA_INT, 0) & ~EPOLLET, -1)) {
                    return -Errno.ECANCELED;
                }
            }
        } finally {
            sys.call(CLOSE, epfd, 0, 0, 0, 0, 0);
        }
    }

    /** The next wait's length, or -ECANCELED when cancelled or past the deadline (then marked timed out). */
    private static long slice(Request<?> r, long deadline) {
        if (r.cancelRequested) {
            return -Errno.ECANCELED;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            r.timedOut = true;
            return -Errno.ECANCELED;
        }
        return Math.min(left, SLICE_NANOS);
    }
}
