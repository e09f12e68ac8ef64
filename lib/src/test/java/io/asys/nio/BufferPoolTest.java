package io.asys.nio;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bounce buffers: sized to the request by powers of two, 4096-aligned, reused per size. */
class BufferPoolTest {
    @Test
    void aBufferIsTheSmallestClassThatHoldsTheRequestUpToSize() {
        long[][] cases = {{0, 4096}, {1, 4096}, {4096, 4096}, {4097, 8192}, {65536, 65536}, {65537, BufferPool.SIZE},
            {BufferPool.SIZE, BufferPool.SIZE}, {10L << 20, BufferPool.SIZE}};
        for (long[] c : cases) {
            MemorySegment s = BufferPool.take(c[0]);
            assertEquals(c[1], s.byteSize(), "take(" + c[0] + ")");
            assertEquals(0, s.address() % 4096, "O_DIRECT needs 4096-aligned memory");
            BufferPool.give(s);
        }
        assertEquals(BufferPool.SIZE, BufferPool.take().byteSize());
    }

    @Test
    void givenBuffersAreTakenAgainAndEachClassKeepsItsShare() {
        // Many small buffers out at once (a thousand parked readers), all kept when given back.
        // Taking as many as the class keeps first empties it of what other tests left there.
        int kept = BufferPool.KEPT_BYTES_PER_CLASS / 4096;
        assertTrue(kept >= 1000);
        List<MemorySegment> out = new ArrayList<>();
        for (int i = 0; i < kept; i++) {
            out.add(BufferPool.take(4096));
        }
        out.forEach(BufferPool::give);
        java.util.Set<MemorySegment> given = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        given.addAll(out);
        List<MemorySegment> again = new ArrayList<>();
        for (int i = 0; i < kept; i++) {
            again.add(BufferPool.take(4096));
        }
        assertEquals(kept, again.stream().filter(given::contains).count(), "every 4 KiB buffer was kept and taken again");
        again.forEach(BufferPool::give);
        // A segment that is not one of the pool's sizes is not kept.
        MemorySegment odd = java.lang.foreign.Arena.ofAuto().allocate(5000, 4096);
        BufferPool.give(odd);
        assertTrue(BufferPool.take(5000) != odd);
    }
}
