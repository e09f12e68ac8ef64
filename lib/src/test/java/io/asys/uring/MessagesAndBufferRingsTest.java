package io.asys.uring;

import io.asys.Errno;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** MSG_RING between two rings, and the provided-buffer ring's registration and bookkeeping, on the real kernel. */
class MessagesAndBufferRingsTest {
    @Test
    void aMessagePostedToAnotherRingReachesItsHandlerWithValueAndUserData() throws Exception {
        assumeTrue(IoUringSupport.isSupported(IoUringAbi.IORING_OP_MSG_RING), "kernel lacks MSG_RING");
        try (IoUring sender = RingTestSupport.openRing(); IoUring receiver = RingTestSupport.openRing()) {
            long tag = Long.MIN_VALUE | 0x1234;
            long own = sender.getSqe().prepMsgRing(receiver.fd(), 42, tag).userData();
            var sent = RingTestSupport.submitAndCollect(sender, 1).only();
            assertEquals(own, sent.userData());
            assertEquals(0, sent.res());
            List<long[]> got = new ArrayList<>();
            receiver.submitAndWait(1, 1_000_000_000L);
            receiver.reap((userData, res, flags) -> got.add(new long[] {userData, res}));
            assertEquals(1, got.size());
            assertEquals(tag, got.get(0)[0]);
            assertEquals(42, got.get(0)[1]);
            assertEquals(0, receiver.strayCompletions(), "a message is not a stray completion");
            assertEquals(0, receiver.inFlight());

            sender.getSqe().prepMsgRing(-1, 1, tag);
            assertEquals(-Errno.EBADF, RingTestSupport.submitAndCollect(sender, 1).only().res());
        }
    }

    @Test
    void aBufferRingIsRegisteredFullAndGuardsItsBuffers() throws Exception {
        try (IoUring ring = RingTestSupport.openRing()) {
            assertThrows(IllegalArgumentException.class, () -> ring.registerBufferRing(0, 3, 64));
            assertThrows(IllegalArgumentException.class, () -> ring.registerBufferRing(70_000, 4, 64));
            assertThrows(IllegalArgumentException.class, () -> ring.registerBufferRing(0, 4, 0));
            BufferRing buffers = ring.registerBufferRing(5, 4, 64);
            assertEquals(4, buffers.available());
            var e = assertThrows(io.asys.ErrnoException.class, () -> ring.registerBufferRing(5, 4, 64));
            assertEquals(Errno.EEXIST, e.errno(), "a group id is registered once");
            assertThrows(IllegalStateException.class, () -> buffers.recycle(2), "already in the ring");
            assertThrows(IllegalArgumentException.class, () -> buffers.take(0, 10), "no IORING_CQE_F_BUFFER");
            var b = buffers.take(2 << 16 | IoUringAbi.IORING_CQE_F_BUFFER, 10);
            assertEquals(10, b.byteSize());
            assertEquals(3, buffers.available());
            assertThrows(IllegalStateException.class, () -> buffers.take(2 << 16 | IoUringAbi.IORING_CQE_F_BUFFER, 10),
                    "a buffer is handed out once");
            buffers.recycle(2);
            assertEquals(4, buffers.available());
            ring.unregisterBufferRing(buffers);
            assertThrows(IllegalArgumentException.class, () -> ring.getSqe().prepRecvSelect(0, buffers, 0),
                    "an unregistered ring is refused before the kernel sees it");
            assertThrows(IllegalArgumentException.class, () -> ring.unregisterBufferRing(buffers));
            RingTestSupport.submitAndCollect(ring, 1);
        }
    }
}
