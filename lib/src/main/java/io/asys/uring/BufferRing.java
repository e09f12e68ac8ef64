package io.asys.uring;

import io.asys.internal.uring.BufRingDescriptor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A ring of provided buffers (IORING_REGISTER_PBUF_RING): {@code count} buffers of
 * {@code bufferSize} bytes that the kernel picks from when a receive is submitted with buffer
 * selection, instead of the caller naming one buffer per operation. A completion says which
 * buffer it filled; {@link #take} hands it to the application, which gives it back with
 * {@link #recycle}. A buffer is never handed to the kernel twice, and memory stays reachable while
 * any operation that may select from the ring is in flight. Made by
 * {@link IoUring#registerBufferRing}; not thread-safe (the ring's owner thread, or the caller's lock).
 */
public final class BufferRing {
    /** The owning ring's identity (its slot table: not the ring, so a ring never closed can still be cleaned). */
    private final Object owner;
    private final int groupId;
    private final int count;
    private final int bufferSize;
    private final MemorySegment entries;
    private final MemorySegment buffers;
    /** true while the buffer is in the ring (the kernel may pick it). */
    private final boolean[] inRing;
    private int tail;
    private boolean registered = true;

    BufferRing(Object owner, int groupId, int count, int bufferSize) {
        this.owner = owner;
        this.groupId = groupId;
        this.count = count;
        this.bufferSize = bufferSize;
        Arena arena = Arena.ofAuto();
        this.entries = arena.allocate((long) count * BufRingDescriptor.BUF_SIZE, 4096);
        this.buffers = arena.allocate((long) count * bufferSize, 64);
        this.inRing = new boolean[count];
    }

    /** Checks the sizes {@link IoUring#registerBufferRing} accepts. */
    static void checkShape(int groupId, int count, int bufferSize) {
        if (groupId < 0 || groupId > 0xFFFF) {
            throw new IllegalArgumentException("buffer group id must be 0..65535, not " + groupId);
        }
        if (count < 1 || count > BufRingDescriptor.MAX_ENTRIES || Integer.bitCount(count) != 1) {
            throw new IllegalArgumentException("buffer count must be a power of two in 1.." + BufRingDescriptor.MAX_ENTRIES
                    + ", not " + count);
        }
        if (bufferSize < 1) {
            throw new IllegalArgumentException("buffer size must be positive, not " + bufferSize);
        }
    }

    MemorySegment entries() {
        return entries;
    }

    /** Puts every buffer in the ring: the state right after registration. */
    void fill() {
        for (int id = 0; id < count; id++) {
            put(id);
        }
        publish();
    }

    public int groupId() {
        return groupId;
    }

    public int count() {
        return count;
    }

    public int bufferSize() {
        return bufferSize;
    }

    /** Whether the ring is still registered with its io_uring. */
    public boolean isRegistered() {
        return registered;
    }

    Object owner() {
        return owner;
    }

    void unregistered() {
        registered = false;
    }

    /** The buffer id a completion carries in its flags (valid when IORING_CQE_F_BUFFER is set). */
    public static int bufferId(int cqeFlags) {
        return cqeFlags >>> 16;
    }

    /**
     * Takes the buffer a completion filled out of the ring's care: the first {@code length} bytes
     * of buffer {@link #bufferId(int) bufferId(cqeFlags)}. Give it back with {@link #recycle}.
     */
    public MemorySegment take(int cqeFlags, int length) {
        if ((cqeFlags & IoUringAbi.IORING_CQE_F_BUFFER) == 0) {
            throw new IllegalArgumentException("the completion selected no buffer (no IORING_CQE_F_BUFFER)");
        }
        int id = bufferId(cqeFlags);
        if (id >= count || !inRing[id]) {
            throw new IllegalStateException("buffer " + id + " was not in the ring");
        }
        if (length < 0 || length > bufferSize) {
            throw new IllegalArgumentException("length " + length + " outside buffer of " + bufferSize);
        }
        inRing[id] = false;
        return buffers.asSlice((long) id * bufferSize, length);
    }

    /** Gives buffer {@code id} back to the kernel; refused if it is already in the ring. */
    public void recycle(int id) {
        if (id < 0 || id >= count) {
            throw new IndexOutOfBoundsException("buffer id " + id + " outside 0.." + (count - 1));
        }
        if (inRing[id]) {
            throw new IllegalStateException("buffer " + id + " is already in the ring");
        }
        put(id);
        publish();
    }

    /** How many buffers the kernel may pick from now. */
    public int available() {
        int n = 0;
        for (boolean b : inRing) {
            n += b ? 1 : 0;
        }
        return n;
    }

    private void put(int id) {
        long at = (long) (tail & (count - 1)) * BufRingDescriptor.BUF_SIZE;
        // Entry 0's last two bytes are the tail: write addr, len and bid, never resv.
        entries.set(ValueLayout.JAVA_LONG, at + BufRingDescriptor.BUF_ADDR, buffers.address() + (long) id * bufferSize);
        entries.set(ValueLayout.JAVA_INT, at + BufRingDescriptor.BUF_LEN, bufferSize);
        entries.set(ValueLayout.JAVA_SHORT, at + BufRingDescriptor.BUF_BID, (short) id);
        inRing[id] = true;
        tail++;
    }

    private void publish() {
        // The kernel reads the tail with acquire: the entries written before must be visible first.
        VarHandle.releaseFence();
        entries.set(ValueLayout.JAVA_SHORT, BufRingDescriptor.RING_TAIL, (short) tail);
    }
}
