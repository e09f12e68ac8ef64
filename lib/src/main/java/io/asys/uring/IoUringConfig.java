package io.asys.uring;

import static io.asys.uring.IoUringAbi.IORING_SETUP_COOP_TASKRUN;
import static io.asys.uring.IoUringAbi.IORING_SETUP_DEFER_TASKRUN;
import static io.asys.uring.IoUringAbi.IORING_SETUP_NO_SQARRAY;
import static io.asys.uring.IoUringAbi.IORING_SETUP_SINGLE_ISSUER;
import static io.asys.uring.IoUringAbi.IORING_SETUP_SQPOLL;
import static io.asys.uring.IoUringAbi.IORING_SETUP_SUBMIT_ALL;
import static io.asys.uring.IoUringAbi.IORING_SETUP_TASKRUN_FLAG;

/**
 * How to create an {@link IoUring}. Immutable; change it with the {@code with*} methods.
 *
 * @param entries          SQ size (rounded up to a power of two by the kernel)
 * @param cqEntries        CQ size, or 0 for the kernel's default (twice {@code entries})
 * @param maxInFlight      operations that may be in flight at once, or 0 for the CQ size
 * @param sqPoll           a kernel thread polls the SQ (IORING_SETUP_SQPOLL); no DEFER_TASKRUN then
 * @param sqPollIdleMillis how long the SQPOLL thread spins before it sleeps
 * @param singleIssuer     promise that only the creating thread submits (SINGLE_ISSUER, DEFER_TASKRUN)
 * @param registerRingFd   register the ring fd so each enter skips the fd lookup
 * @param cpu              the CPU the ring's io-wq workers run on (and asys's engine thread, see
 *                         {@link CpuAffinity}), or {@link #CPU_ANY} for wherever the scheduler
 *                         puts them
 */
public record IoUringConfig(int entries, int cqEntries, int maxInFlight, boolean sqPoll, int sqPollIdleMillis,
                            boolean singleIssuer, boolean registerRingFd, int cpu) {

    public static final int DEFAULT_ENTRIES = 256;
    /** {@link #cpu}: not pinned. */
    public static final int CPU_ANY = -1;

    public IoUringConfig {
        if (entries < 1 || entries > 32768) {
            throw new IllegalArgumentException("entries must be in 1..32768, not " + entries);
        }
        if (cqEntries < 0 || maxInFlight < 0 || sqPollIdleMillis < 0) {
            throw new IllegalArgumentException("cqEntries, maxInFlight and sqPollIdleMillis must not be negative");
        }
        if (cpu < CPU_ANY || cpu >= CpuAffinity.MASK_BYTES * 8) {
            throw new IllegalArgumentException("cpu must be CPU_ANY or in 0.." + (CpuAffinity.MASK_BYTES * 8 - 1)
                    + ", not " + cpu);
        }
    }

    /** 256 entries, single issuer with deferred task running, ring fd registered, not pinned. */
    public static IoUringConfig defaults() {
        return new IoUringConfig(DEFAULT_ENTRIES, 0, 0, false, 1000, true, true, CPU_ANY);
    }

    public IoUringConfig withEntries(int n) {
        return new IoUringConfig(n, cqEntries, maxInFlight, sqPoll, sqPollIdleMillis, singleIssuer, registerRingFd, cpu);
    }

    public IoUringConfig withCqEntries(int n) {
        return new IoUringConfig(entries, n, maxInFlight, sqPoll, sqPollIdleMillis, singleIssuer, registerRingFd, cpu);
    }

    public IoUringConfig withMaxInFlight(int n) {
        return new IoUringConfig(entries, cqEntries, n, sqPoll, sqPollIdleMillis, singleIssuer, registerRingFd, cpu);
    }

    public IoUringConfig withSqPoll(boolean on, int idleMillis) {
        return new IoUringConfig(entries, cqEntries, maxInFlight, on, idleMillis, singleIssuer, registerRingFd, cpu);
    }

    public IoUringConfig withSingleIssuer(boolean on) {
        return new IoUringConfig(entries, cqEntries, maxInFlight, sqPoll, sqPollIdleMillis, on, registerRingFd, cpu);
    }

    public IoUringConfig withRegisterRingFd(boolean on) {
        return new IoUringConfig(entries, cqEntries, maxInFlight, sqPoll, sqPollIdleMillis, singleIssuer, on, cpu);
    }

    /** Runs the ring's io-wq workers on {@code cpu} (asys's engine pins its thread there too), or {@link #CPU_ANY}. */
    public IoUringConfig withCpu(int cpu) {
        return new IoUringConfig(entries, cqEntries, maxInFlight, sqPoll, sqPollIdleMillis, singleIssuer, registerRingFd, cpu);
    }

    /** The setup flags asked for; any the kernel rejects with EINVAL is dropped at setup. */
    public int setupFlags() {
        int flags = IORING_SETUP_SUBMIT_ALL | IORING_SETUP_NO_SQARRAY;
        if (sqPoll) {
            return flags | IORING_SETUP_SQPOLL;
        }
        flags |= IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG;
        if (singleIssuer) {
            flags |= IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
        }
        return flags;
    }
}
