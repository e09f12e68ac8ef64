package io.asys.internal.uring;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SlotTableTest {
    @Test
    void acquireUntilFullThenMinusOne() {
        SlotTable t = new SlotTable(4);
        Set<Integer> slots = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            long ud = t.acquire();
            assertTrue(ud >= 0);
            int slot = t.slotOf(ud);
            assertEquals((int) ud, slot);
            assertTrue(slots.add(slot));
        }
        assertEquals(Set.of(0, 1, 2, 3), slots);
        assertEquals(4, t.inUse());
        assertEquals(4, t.capacity());
        assertEquals(-1, t.acquire());
    }

    @Test
    void aReusedSlotGetsANewGenerationAndTheOldUserDataGoesStale() {
        SlotTable t = new SlotTable(2);
        long first = t.acquire();
        int slot = t.slotOf(first);
        t.release(slot);
        assertEquals(-1, t.slotOf(first), "released user data is stale");
        assertEquals(0, t.inUse());

        long second = t.acquire();
        assertEquals(slot, t.slotOf(second), "the freed slot is reused first");
        assertNotEquals(first, second);
        assertEquals(-1, t.slotOf(first), "stale user data stays stale after the slot is reused");
    }

    @Test
    void foreignUserDataIsNotRecognised() {
        SlotTable t = new SlotTable(4);
        long ud = t.acquire();
        assertEquals(-1, t.slotOf(-1));
        assertEquals(-1, t.slotOf(-2));
        assertEquals(-1, t.slotOf(Long.MIN_VALUE));
        assertEquals(-1, t.slotOf(ud | (1L << 63)));
        long generation = ud >>> 32;
        assertEquals(-1, t.slotOf(generation << 32 | 4), "slot past the end");
        assertEquals(-1, t.slotOf(generation << 32 | 0xFFFF_FFFFL), "negative slot");
        assertEquals(-1, t.slotOf((generation + 2) << 32 | (int) ud), "future generation");
        assertEquals(-1, t.slotOf(1L << 32 | 1), "a slot never acquired");
        assertEquals(-1, t.slotOf(0), "generation 0 means free");
    }

    @Test
    void releaseDropsKeepAliveAndAttachment() {
        SlotTable t = new SlotTable(2);
        int slot = t.slotOf(t.acquire());
        Object buffer = new Object();
        Object attachment = new Object();
        t.keepAlive(slot, buffer);
        t.attach(slot, attachment);
        assertSame(attachment, t.attachment(slot));
        assertArrayEquals(new Object[] {buffer, null}, t.heldObjects());
        t.release(slot);
        assertNull(t.attachment(slot));
        assertArrayEquals(new Object[] {null, null}, t.heldObjects());
    }

    @Test
    void userDataStaysValidOverMillionsOfCycles() {
        SlotTable t = new SlotTable(1);
        long previous = -1;
        for (int i = 0; i < 3_000_000; i++) {
            long ud = t.acquire();
            if (ud < 0 || t.slotOf(ud) != 0 || ud == previous) {
                throw new AssertionError("cycle " + i + ": user data " + ud + " after " + previous);
            }
            t.release(0);
            previous = ud;
        }
        assertEquals(-1, t.slotOf(previous));
    }

    /** 2^30 cycles would take too long: start the generation just below the 31-bit wrap instead. */
    @Test
    void userDataIsNeverNegativeAcrossTheGenerationWrap() throws Exception {
        SlotTable t = new SlotTable(1);
        Field f = SlotTable.class.getDeclaredField("generation");
        f.setAccessible(true);
        ((int[]) f.get(t))[0] = 0x7FFF_FFF0;
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 32; i++) {
            long ud = t.acquire();
            assertTrue(ud >= 0, "negative user data " + ud);
            assertEquals(0, t.slotOf(ud));
            assertTrue(seen.add(ud));
            t.release(0);
            assertEquals(-1, t.slotOf(ud));
        }
        assertTrue(seen.contains(0x7FFF_FFFFL << 32), "the highest generation was issued");
        assertTrue(seen.contains(1L << 32), "the generation wrapped to 1");
    }
}
