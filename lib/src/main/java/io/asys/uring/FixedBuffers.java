package io.asys.uring;

import java.lang.foreign.MemorySegment;

/**
 * Buffers registered with a ring (IORING_REGISTER_BUFFERS) for fixed reads and writes. The ring
 * allocates and owns their memory (page-aligned, so they also suit O_DIRECT) and frees it only
 * after its last operation completed; after the ring is closed, access to them fails cleanly.
 */
public final class FixedBuffers {
    private final MemorySegment[] buffers;

    FixedBuffers(MemorySegment[] buffers) {
        this.buffers = buffers;
    }

    public int count() {
        return buffers.length;
    }

    /** Buffer {@code index}, for filling before a write or reading after a read. */
    public MemorySegment buffer(int index) {
        return buffers[index];
    }

    /**
     * Plain page-aligned buffers of the same shape, registered with no ring (a ring refuses them
     * for fixed operations): what the worker engine reads into and writes from.
     */
    public static FixedBuffers unregistered(int count, long size) {
        if (count < 1 || size < 1 || size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("need count >= 1 and size in 1..2^31-1");
        }
        MemorySegment[] buffers = new MemorySegment[count];
        java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofAuto();
        for (int i = 0; i < count; i++) {
            buffers[i] = arena.allocate(size, 4096);
        }
        return new FixedBuffers(buffers);
    }

    /** The bytes {@code [offset, offset + length)} of buffer {@code index}, bounds-checked. */
    public MemorySegment slice(int index, long offset, int length) {
        return checkedSlice(index, offset, length).asSlice(offset, length);
    }

    MemorySegment checkedSlice(int index, long offset, int length) {
        if (index < 0 || index >= buffers.length) {
            throw new IndexOutOfBoundsException("fixed buffer " + index + " not registered (count " + buffers.length + ")");
        }
        MemorySegment b = buffers[index];
        if (offset < 0 || length < 0 || offset > b.byteSize() - length) {
            throw new IndexOutOfBoundsException("range " + offset + "+" + length + " outside fixed buffer " + index
                    + " of " + b.byteSize() + " bytes");
        }
        return b;
    }
}
