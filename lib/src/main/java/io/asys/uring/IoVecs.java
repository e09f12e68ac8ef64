package io.asys.uring;

import io.asys.internal.uring.RegisterDescriptor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A native {@code struct iovec} array for readv/writev, built from checked native segments.
 * It keeps its segments reachable; a ring keeps the whole array reachable until the operation
 * completes. Reusable once its operation completed; not thread-safe.
 */
public final class IoVecs {
    private final MemorySegment iovecs;
    private final MemorySegment[] segments;
    private int count;

    private IoVecs(int capacity) {
        iovecs = Arena.ofAuto().allocate((long) RegisterDescriptor.IOVEC_SIZE * capacity, 8);
        segments = new MemorySegment[capacity];
    }

    /** An empty array that can hold {@code capacity} buffers (at most 1024, the kernel's IOV_MAX). */
    public static IoVecs allocate(int capacity) {
        if (capacity < 1 || capacity > 1024) {
            throw new IllegalArgumentException("iovec capacity must be in 1..1024, not " + capacity);
        }
        return new IoVecs(capacity);
    }

    /** Sets entry {@code index} to the whole of {@code buffer}; entries past the highest set are unused. */
    public IoVecs set(int index, MemorySegment buffer) {
        Buffers.checkNative(buffer, false);
        long at = (long) RegisterDescriptor.IOVEC_SIZE * index;
        segments[index] = buffer;
        iovecs.set(ValueLayout.JAVA_LONG, at + RegisterDescriptor.IOVEC_BASE, buffer.address());
        iovecs.set(ValueLayout.JAVA_LONG, at + RegisterDescriptor.IOVEC_LEN, buffer.byteSize());
        count = Math.max(count, index + 1);
        return this;
    }

    /** Forgets every entry. */
    public IoVecs clear() {
        java.util.Arrays.fill(segments, null);
        count = 0;
        return this;
    }

    public int count() {
        return count;
    }

    /**
     * What must stay reachable while an operation on this array is in flight: the array and the
     * buffers it names now, so a later {@code set} or {@code clear} cannot let a buffer the kernel
     * already took go to the garbage collector.
     */
    public Object hold() {
        return new Object[] {this, java.util.Arrays.copyOf(segments, count)};
    }

    /** The bytes all set entries cover. */
    public long totalLength() {
        long n = 0;
        for (int i = 0; i < count; i++) {
            n += segments[i] == null ? 0 : segments[i].byteSize();
        }
        return n;
    }

    public MemorySegment buffer(int index) {
        return segments[index];
    }

    /** The native address of the iovec array (for the worker engine's preadv2/pwritev2). */
    public long address() {
        return iovecs.address();
    }

    /** Checks that every buffer is still usable (and writable, when the kernel will write into it). */
    public void check(boolean kernelWrites) {
        if (count == 0) {
            throw new IllegalArgumentException("empty iovec array");
        }
        for (int i = 0; i < count; i++) {
            if (segments[i] == null) {
                throw new IllegalArgumentException("iovec entry " + i + " is not set");
            }
            Buffers.checkNative(segments[i], kernelWrites);
        }
    }
}
