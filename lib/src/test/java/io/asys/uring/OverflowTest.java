package io.asys.uring;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static io.asys.uring.IoUringAbi.IORING_FEAT_NODROP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** More completions than the CQ holds: the kernel keeps the excess (NODROP) and reap brings it all back. */
class OverflowTest {
    private static final int TOTAL = 256;
    private static final int BATCH = 8;

    @Test
    void everyCompletionIsDeliveredOnceAfterTheCqOverflowed() throws Exception {
        IoUringConfig config = IoUringConfig.defaults().withEntries(BATCH).withCqEntries(16).withMaxInFlight(TOTAL);
        try (IoUring ring = RingTestSupport.openRing(config)) {
            assertTrue((ring.features() & IORING_FEAT_NODROP) != 0, "kernel without IORING_FEAT_NODROP");
            assertEquals(16, ring.cqEntries());
            Set<Long> issued = new HashSet<>();
            for (int b = 0; b < TOTAL / BATCH; b++) {
                for (int i = 0; i < BATCH; i++) {
                    assertTrue(issued.add(ring.getSqe().prepNop().userData()));
                }
                assertEquals(BATCH, ring.submit(), "batch " + b);
            }
            assertEquals(TOTAL, ring.inFlight());

            // NOPs complete during submit, so all are done: one reap must bring back the overflow too.
            var c = new RingTestSupport.Collector();
            assertEquals(TOTAL, ring.reap(c));
            assertEquals(TOTAL, c.completions.size());
            for (var completion : c.completions) {
                assertEquals(0, completion.res());
                assertTrue(issued.remove(completion.userData()), "unexpected or duplicate " + completion);
            }
            assertTrue(issued.isEmpty());
            assertEquals(0, ring.inFlight());
            assertEquals(0, ring.strayCompletions());
        }
    }
}
