package io.asys.internal.uring;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The submission side of one ring: hands out SQE positions and publishes them to the kernel.
 * Single producer: only the ring's owner thread calls it. Indices are free-running 32-bit
 * counters; positions are {@code index & mask}. Orderings are liburing's.
 */
public final class SubmissionQueue {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment ring;
    private final MemorySegment sqes;
    private final long kHead;
    private final long kTail;
    private final long kFlags;
    private final long kDropped;
    private final int mask;
    private final int entries;
    private final boolean sqPoll;

    /** Entries handed out but not yet published ({@code sqeHead..sqeTail}). */
    private int sqeHead;
    private int sqeTail;
    /** The kernel's head as last read; re-read only when the queue looks full. */
    private int cachedHead;

    SubmissionQueue(MemorySegment ring, MemorySegment sqes, long sqOff, boolean hasArray, boolean sqPoll,
                    MemorySegment params) {
        this.ring = ring;
        this.sqes = sqes;
        this.sqPoll = sqPoll;
        this.kHead = params.get(ValueLayout.JAVA_INT, sqOff + ParamsDescriptor.SQ_OFF_HEAD);
        this.kTail = params.get(ValueLayout.JAVA_INT, sqOff + ParamsDescriptor.SQ_OFF_TAIL);
        this.kFlags = params.get(ValueLayout.JAVA_INT, sqOff + ParamsDescriptor.SQ_OFF_FLAGS);
        this.kDropped = params.get(ValueLayout.JAVA_INT, sqOff + ParamsDescriptor.SQ_OFF_DROPPED);
        this.mask = ring.get(ValueLayout.JAVA_INT, params.get(ValueLayout.JAVA_INT, sqOff + ParamsDescriptor.SQ_OFF_RING_MASK));
        this.entries = ring.get(ValueLayout.JAVA_INT, params.get(ValueLayout.JAVA_INT, sqOff + ParamsDescriptor.SQ_OFF_RING_ENTRIES));
        if (hasArray) {
            // The indirection array never changes afterwards: entry i always names SQE i.
            long array = params.get(ValueLayout.JAVA_INT, sqOff + ParamsDescriptor.SQ_OFF_ARRAY);
            for (int i = 0; i < entries; i++) {
                ring.set(ValueLayout.JAVA_INT, array + 4L * i, i);
            }
        }
        this.sqeTail = (int) INT.getAcquire(ring, kTail);
        this.sqeHead = sqeTail;
        this.cachedHead = sqeTail;
    }

    /** Byte offset in {@link #sqes()} of a fresh entry, or {@code -1} when the queue is full. */
    public long next() {
        int tail = sqeTail;
        if (tail - cachedHead >= entries) {
            // Acquire: the kernel's head store tells us which entries it has finished reading.
            cachedHead = (int) INT.getAcquire(ring, kHead);
            if (tail - cachedHead >= entries) {
                return -1;
            }
        }
        sqeTail = tail + 1;
        return (long) (tail & mask) * SqeDescriptor.SIZE;
    }

    /** Publishes the entries handed out so far; returns how many the kernel has not consumed yet. */
    public int flush() {
        int tail = sqeTail;
        if (sqeHead != tail) {
            sqeHead = tail;
            // Release: the SQE contents must be visible before the kernel sees the new tail.
            INT.setRelease(ring, kTail, tail);
        }
        // Opaque is enough: a stale head only makes us ask the kernel to submit what it already took.
        return tail - (int) INT.getOpaque(ring, kHead);
    }

    /** Free entries, from the owner's point of view. */
    public int spaceLeft() {
        return entries - (sqeTail - (int) INT.getAcquire(ring, kHead));
    }

    /** Entries handed out but not yet published. */
    public int unpublished() {
        return sqeTail - sqeHead;
    }

    /** The kernel's sq ring flags (NEED_WAKEUP, CQ_OVERFLOW, TASKRUN). */
    public int flags() {
        if (sqPoll) {
            // Full fence: our tail store must be ordered before reading NEED_WAKEUP (liburing's smp_mb).
            VarHandle.fullFence();
        }
        return (int) INT.getOpaque(ring, kFlags);
    }

    /** Entries the kernel dropped as invalid. */
    public int dropped() {
        return (int) INT.getOpaque(ring, kDropped);
    }

    public MemorySegment sqes() {
        return sqes;
    }

    public int entries() {
        return entries;
    }
}
