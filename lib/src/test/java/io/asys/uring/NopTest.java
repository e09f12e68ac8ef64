package io.asys.uring;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NopTest {
    @Test
    void nopCompletesWithZeroAndItsOwnUserData() throws Exception {
        try (IoUring ring = RingTestSupport.openRing()) {
            long userData = ring.getSqe().prepNop().userData();
            var c = RingTestSupport.submitAndCollect(ring, 1).only();
            assertEquals(userData, c.userData());
            assertEquals(0, c.res());
            assertEquals(0, ring.inFlight());
            assertEquals(0, ring.strayCompletions());
        }
    }

    @Test
    void manyBatchesEachCompleteExactlyOnce() throws Exception {
        try (IoUring ring = RingTestSupport.openRing()) {
            Set<Long> seen = new HashSet<>();
            for (int round = 0; round < 200; round++) {
                Set<Long> issued = new HashSet<>();
                for (int i = 0; i < 32; i++) {
                    issued.add(ring.getSqe().prepNop().userData());
                }
                var c = RingTestSupport.submitAndCollect(ring, 32);
                assertEquals(32, c.completions.size());
                for (var completion : c.completions) {
                    assertTrue(issued.remove(completion.userData()), "unexpected or duplicate " + completion);
                    assertTrue(seen.add(completion.userData()), "user data reused while distinct: " + completion);
                }
            }
            assertEquals(0, ring.inFlight());
        }
    }

    @Test
    void getSqeReturnsNullWhenTheSqIsFullAndAfterSubmitHasRoomAgain() throws Exception {
        try (IoUring ring = RingTestSupport.openRing(IoUringConfig.defaults().withEntries(8).withMaxInFlight(64))) {
            for (int i = 0; i < ring.sqEntries(); i++) {
                ring.getSqe().prepNop();
            }
            assertNull(ring.getSqe());
            assertEquals(ring.sqEntries(), ring.submit());
            assertTrue(ring.getSqe() != null);
            RingTestSupport.submitAndCollect(ring, ring.sqEntries() + 1);
        }
    }

    @Test
    void getSqeReturnsNullWhenEverySlotIsInFlight() throws Exception {
        try (IoUring ring = RingTestSupport.openRing(IoUringConfig.defaults().withEntries(16).withMaxInFlight(4))) {
            for (int i = 0; i < 4; i++) {
                ring.getSqe().prepNop();
            }
            assertNull(ring.getSqe());
            RingTestSupport.submitAndCollect(ring, 4);
            assertTrue(ring.getSqe() != null);
        }
    }

    @Test
    void attachmentIsVisibleInTheHandlerAndDroppedAfter() throws Exception {
        try (IoUring ring = RingTestSupport.openRing()) {
            Object token = new Object();
            long userData = ring.getSqe().prepNop().attach(token).userData();
            assertEquals(token, ring.attachment(userData));
            ring.submitAndWait(1);
            Object[] seen = new Object[1];
            ring.reap((ud, res, flags) -> seen[0] = ring.attachment(ud));
            assertEquals(token, seen[0]);
            assertNull(ring.attachment(userData));
        }
    }
}
