package io.asys.internal.uring;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The completion side of one ring: reads CQEs the kernel posted and returns their slots.
 * Single consumer: only the ring's owner thread calls it. Free-running 32-bit head and tail.
 */
public final class CompletionQueue {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment ring;
    private final long kHead;
    private final long kTail;
    private final long kOverflow;
    private final long cqes;
    private final int mask;
    private final int entries;

    /** Our copy of the head; the kernel never writes it. */
    private int head;

    CompletionQueue(MemorySegment ring, long cqOff, MemorySegment params) {
        this.ring = ring;
        this.kHead = params.get(ValueLayout.JAVA_INT, cqOff + ParamsDescriptor.CQ_OFF_HEAD);
        this.kTail = params.get(ValueLayout.JAVA_INT, cqOff + ParamsDescriptor.CQ_OFF_TAIL);
        this.kOverflow = params.get(ValueLayout.JAVA_INT, cqOff + ParamsDescriptor.CQ_OFF_OVERFLOW);
        this.cqes = params.get(ValueLayout.JAVA_INT, cqOff + ParamsDescriptor.CQ_OFF_CQES);
        this.mask = ring.get(ValueLayout.JAVA_INT, params.get(ValueLayout.JAVA_INT, cqOff + ParamsDescriptor.CQ_OFF_RING_MASK));
        this.entries = ring.get(ValueLayout.JAVA_INT, params.get(ValueLayout.JAVA_INT, cqOff + ParamsDescriptor.CQ_OFF_RING_ENTRIES));
        this.head = (int) INT.getAcquire(ring, kHead);
    }

    /** The kernel's tail; entries from {@link #head()} up to it are ready to read. */
    public int tail() {
        // Acquire: CQE contents written before the tail store must be visible to our reads.
        return (int) INT.getAcquire(ring, kTail);
    }

    public int head() {
        return head;
    }

    /** Byte offset in the ring of the CQE at free-running index {@code index}. */
    public long offset(int index) {
        return cqes + (long) (index & mask) * CqeDescriptor.SIZE;
    }

    public long userData(long offset) {
        return ring.get(ValueLayout.JAVA_LONG_UNALIGNED, offset + CqeDescriptor.USER_DATA);
    }

    public int res(long offset) {
        return ring.get(ValueLayout.JAVA_INT_UNALIGNED, offset + CqeDescriptor.RES);
    }

    public int flags(long offset) {
        return ring.get(ValueLayout.JAVA_INT_UNALIGNED, offset + CqeDescriptor.FLAGS);
    }

    /** Gives entries up to {@code newHead} back to the kernel. */
    public void advance(int newHead) {
        head = newHead;
        // Release: our reads of the CQEs must be done before the kernel may overwrite them.
        INT.setRelease(ring, kHead, newHead);
    }

    /** CQEs the kernel had to drop (only without IORING_FEAT_NODROP). */
    public int overflow() {
        return (int) INT.getOpaque(ring, kOverflow);
    }

    public int entries() {
        return entries;
    }

    public int ready() {
        return tail() - head;
    }
}
