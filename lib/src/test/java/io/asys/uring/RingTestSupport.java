package io.asys.uring;

import io.asys.ErrnoException;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Helpers shared by the ring tests: skip cleanly without io_uring, collect completions. */
final class RingTestSupport {
    private RingTestSupport() {
    }

    static IoUring openRing(IoUringConfig config) throws ErrnoException {
        assumeTrue(IoUringSupport.isAvailable(), () -> "io_uring unavailable: " + IoUringSupport.unavailabilityCause());
        return IoUring.open(config);
    }

    static IoUring openRing() throws ErrnoException {
        return openRing(IoUringConfig.defaults().withEntries(64));
    }

    record Completion(long userData, int res, int flags) {
    }

    /** Collects every completion it is handed. */
    static final class Collector implements CompletionHandler {
        final List<Completion> completions = new ArrayList<>();

        @Override
        public void onCompletion(long userData, int res, int flags) {
            completions.add(new Completion(userData, res, flags));
        }

        Completion only() {
            if (completions.size() != 1) {
                throw new AssertionError("expected one completion, got " + completions);
            }
            return completions.get(0);
        }
    }

    /** Submits, waits for {@code n} completions and returns them. */
    static Collector submitAndCollect(IoUring ring, int n) {
        Collector c = new Collector();
        while (c.completions.size() < n) {
            int ret = ring.submitAndWait(1);
            if (ret < 0) {
                throw new AssertionError("io_uring_enter failed: " + io.asys.Errno.describe(ret));
            }
            ring.reap(c);
        }
        return c;
    }
}
