package io.asys.nio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Native bounce buffers for heap {@link java.nio.ByteBuffer}s (the kernel needs memory that does
 * not move), 4096-aligned so O_DIRECT works through them. Six size classes, 4 KiB to
 * {@link #SIZE} by powers of two; each keeps up to {@link #KEPT_BYTES_PER_CLASS} of buffers for
 * reuse, the rest are left to the garbage collector.
 *
 * <p>Sized classes, not one size: a parked virtual thread holds its bounce buffer until its read
 * completes, so ten thousand threads reading 4 KiB into heap buffers need ten thousand buffers at
 * once. With one 128 KiB size that was 1.25 GiB of zeroed native memory in auto arenas (one
 * allocation measured 100-400 µs), freed only by the garbage collector: O_DIRECT reads fell to
 * 3-5k/s at N = 10000 (RSS 3 GiB); with 4 KiB buffers, 51k/s (RSS 0.6 GiB). Thread-safe.
 */
final class BufferPool {
    /** The largest bounce buffer: the most one operation on a heap buffer moves. */
    static final int SIZE = 128 << 10;
    private static final int MIN_SHIFT = 12;
    private static final int CLASSES = 6;
    /** Bytes of free buffers each class keeps (4 MiB: 1024 buffers of 4 KiB, 32 of 128 KiB). */
    static final int KEPT_BYTES_PER_CLASS = 4 << 20;
    private static final Pool[] POOLS = new Pool[CLASSES];

    static {
        for (int c = 0; c < CLASSES; c++) {
            POOLS[c] = new Pool(1 << (MIN_SHIFT + c));
        }
    }

    private BufferPool() {
    }

    /** One class: its free buffers and how many there are. */
    private record Pool(int size, ConcurrentLinkedQueue<MemorySegment> free, AtomicInteger count) {
        Pool(int size) {
            this(size, new ConcurrentLinkedQueue<>(), new AtomicInteger());
        }
    }

    /** The class of buffers of at least {@code min(len, SIZE)} bytes. */
    private static int classOf(long len) {
        long want = Math.max(1, Math.min(len, SIZE));
        int shift = 64 - Long.numberOfLeadingZeros(want - 1); // ceil(log2(want))
        return Math.max(0, shift - MIN_SHIFT);
    }

    /** A buffer of {@link #SIZE} bytes. */
    static MemorySegment take() {
        return take(SIZE);
    }

    /** A buffer of at least {@code min(len, SIZE)} bytes (its byteSize() says how many). */
    static MemorySegment take(long len) {
        Pool pool = POOLS[classOf(len)];
        MemorySegment s = pool.free.poll();
        if (s != null) {
            pool.count.decrementAndGet();
            return s;
        }
        return Arena.ofAuto().allocate(pool.size, 4096);
    }

    /** Gives a buffer back; only once its operation has completed. */
    static void give(MemorySegment s) {
        Pool pool = POOLS[classOf(s.byteSize())];
        if (pool.size != s.byteSize()) {
            return; // not one of ours
        }
        if (pool.count.incrementAndGet() <= KEPT_BYTES_PER_CLASS / pool.size) {
            pool.free.offer(s);
        } else {
            pool.count.decrementAndGet();
        }
    }
}
