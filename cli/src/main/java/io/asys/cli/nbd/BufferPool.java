package io.asys.cli.nbd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Native buffers for requests, in power-of-two size classes from 4 KiB, each with a headroom
 * before its data where the reply header is written, so a read reply goes out as one send with
 * no copy. Page-aligned (the data too when the headroom is a page, for O_DIRECT). Buffers come
 * back with {@link #release}; a bounded number per class is kept, the rest are left to the GC.
 * Thread-safe.
 */
final class BufferPool {
    /** One buffer: {@link #data()} is where the payload goes; the header goes just before it. */
    static final class Buffer {
        final MemorySegment whole;
        final int sizeClass;
        final int headroom;

        Buffer(MemorySegment whole, int sizeClass, int headroom) {
            this.whole = whole;
            this.sizeClass = sizeClass;
            this.headroom = headroom;
        }

        /** The payload area, {@code length} bytes. */
        MemorySegment data(long length) {
            return whole.asSlice(headroom, length);
        }

        long capacity() {
            return whole.byteSize() - headroom;
        }
    }

    static final int MIN_SHIFT = 12;
    static final int MAX_SHIFT = 25;
    private static final int PAGE = 4096;

    private final int headroom;
    private final ConcurrentLinkedQueue<Buffer>[] free;
    private final AtomicInteger[] kept;

    @SuppressWarnings("unchecked")
    BufferPool(boolean pageHeadroom) {
        this.headroom = pageHeadroom ? PAGE : 64;
        int classes = MAX_SHIFT - MIN_SHIFT + 1;
        free = new ConcurrentLinkedQueue[classes];
        kept = new AtomicInteger[classes];
        for (int i = 0; i < classes; i++) {
            free[i] = new ConcurrentLinkedQueue<>();
            kept[i] = new AtomicInteger();
        }
    }

    /** Bytes before each buffer's data: room for any reply header. */
    int headroom() {
        return headroom;
    }

    /** A buffer holding at least {@code length} bytes (at most 2^MAX_SHIFT). */
    Buffer take(long length) {
        int shift = Math.max(MIN_SHIFT, 64 - Long.numberOfLeadingZeros(Math.max(1, length) - 1));
        if (shift > MAX_SHIFT) {
            throw new IllegalArgumentException("buffer of " + length + " bytes is over the largest class");
        }
        int c = shift - MIN_SHIFT;
        Buffer b = free[c].poll();
        if (b != null) {
            kept[c].decrementAndGet();
            return b;
        }
        return new Buffer(Arena.ofAuto().allocate(headroom + (1L << shift), PAGE), c, headroom);
    }

    void release(Buffer b) {
        int c = b.sizeClass;
        int limit = c <= 4 ? 256 : c <= 8 ? 16 : 2;
        if (kept[c].incrementAndGet() <= limit) {
            free[c].offer(b);
        } else {
            kept[c].decrementAndGet();
        }
    }
}
