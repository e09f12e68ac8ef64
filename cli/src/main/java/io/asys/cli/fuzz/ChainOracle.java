package io.asys.cli.fuzz;

import io.asys.Errno;

import java.util.List;

/**
 * The expected outcomes of a chain, run step by step on the mirror: a step runs only if the one
 * before succeeded (or was hard-linked), and once a plain link breaks every later step is
 * {@code -ECANCELED}. A step asys must refuse fails the whole chain before any step runs.
 */
final class ChainOracle {
    private ChainOracle() {
    }

    /**
     * Whether a failure of this step breaks a plain link on this engine. On io_uring (kernel 6.18)
     * only some opcodes mark their failure on the link (read/write, openat): a failed mkdirat,
     * unlinkat, renameat, symlinkat, linkat, statx, fsync or ftruncate lets the next step run.
     * The worker engine breaks the chain on every failure. A known difference, listed in
     * docs/reliability.md; the fuzzer models it rather than report it on every chain.
     */
    static boolean breaksLink(Step s, boolean uring) {
        return !uring || s.kind == Step.Kind.WRITE || s.kind == Step.Kind.OPEN;
    }

    static void run(List<Step> steps, Lane lane, Oracle oracle, boolean uring) {
        boolean badHandle = false;
        Step badBuffer = null;
        for (Step s : steps) {
            long r = s.refusal(lane);
            badHandle |= r == -Errno.EBADF;
            if (r == Outcome.REFUSED && badBuffer == null) {
                badBuffer = s;
            }
        }
        if (badHandle || badBuffer != null) {
            for (Step s : steps) {
                long r = s.refusal(lane);
                s.oraOutcome = badHandle ? (r == -Errno.EBADF ? r : -Errno.ECANCELED)
                        : s == badBuffer ? Outcome.REFUSED : -Errno.ECANCELED;
            }
            return;
        }
        boolean broken = false;
        for (Step s : steps) {
            if (broken) {
                s.oraOutcome = -Errno.ECANCELED;
                continue;
            }
            s.oraOutcome = s.oracle(lane, oracle);
            boolean failed = s.oraOutcome < 0 || s.kind == Step.Kind.WRITE && s.oraOutcome < s.length;
            if (failed && !s.hardLink && breaksLink(s, uring)) {
                broken = true;
            }
        }
    }
}
