package io.asys.nio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Native bounce buffers for heap {@link java.nio.ByteBuffer}s (the kernel needs memory that does
 * not move), 4096-aligned so O_DIRECT works through them. One size; at most {@link #KEPT} are kept
 * for reuse, the rest are left to the garbage collector. Thread-safe.
 */
final class BufferPool {
    /** The bounce buffer size: the most one operation on a heap buffer moves. */
    static final int SIZE = 128 << 10;
    private static final int KEPT = 64;
    private static final ConcurrentLinkedQueue<MemorySegment> FREE = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger FREE_COUNT = new AtomicInteger();

    private BufferPool() {
    }

    static MemorySegment take() {
        MemorySegment s = FREE.poll();
        if (s != null) {
            FREE_COUNT.decrementAndGet();
            return s;
        }
        return Arena.ofAuto().allocate(SIZE, 4096);
    }

    /** Gives a buffer back; only once its operation has completed. */
    static void give(MemorySegment s) {
        if (FREE_COUNT.incrementAndGet() <= KEPT) {
            FREE.offer(s);
        } else {
            FREE_COUNT.decrementAndGet();
        }
    }
}
