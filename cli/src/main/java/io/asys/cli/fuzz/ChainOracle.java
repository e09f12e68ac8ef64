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

    static void run(List<Step> steps, Lane lane, Oracle oracle) {
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
            boolean failed = s.oraOutcome < 0 || (s.writesFile() || s.readsFile()) && s.oraOutcome < s.length;
            if (failed && !s.hardLink) {
                broken = true;
            }
        }
    }
}
