package io.asys.internal.workers;

import io.asys.Errno;
import io.asys.internal.engine.BufferSource;
import io.asys.internal.engine.Request;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;

/**
 * Provided buffers on the worker engine: a pool a receive takes one free buffer from before its
 * system call, as io_uring picks one from a buffer ring. Thread-safe (this object's monitor).
 */
public final class PooledBuffers implements BufferSource {
    private static final long SLICE_MILLIS = 50;

    private final int count;
    private final int bufferSize;
    private final MemorySegment memory;
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    /** true while the application (or a receive in progress) has the buffer. */
    private final boolean[] out;
    private boolean closed;

    public PooledBuffers(int count, int bufferSize) {
        if (count < 1 || count > 1 << 15 || Integer.bitCount(count) != 1) {
            throw new IllegalArgumentException("buffer count must be a power of two in 1..32768, not " + count);
        }
        if (bufferSize < 1) {
            throw new IllegalArgumentException("buffer size must be positive, not " + bufferSize);
        }
        this.count = count;
        this.bufferSize = bufferSize;
        this.memory = Arena.ofAuto().allocate((long) count * bufferSize, 64);
        this.out = new boolean[count];
        for (int i = 0; i < count; i++) {
            free.add(i);
        }
    }

    @Override
    public int count() {
        return count;
    }

    @Override
    public int bufferSize() {
        return bufferSize;
    }

    @Override
    public synchronized int available() {
        return free.size();
    }

    /** A free buffer's id for a receive, or -ENOBUFS (none free, or closed). */
    synchronized int acquire() {
        Integer id = closed ? null : free.poll();
        if (id == null) {
            return -Errno.ENOBUFS;
        }
        out[id] = true;
        return id;
    }

    /** Waits for a free buffer, in slices that watch cancel and the deadline (then -ECANCELED), or -ENOBUFS once closed. */
    synchronized int acquire(Request<?> r, long deadline) {
        while (true) {
            if (closed) {
                return -Errno.ENOBUFS;
            }
            if (!free.isEmpty()) {
                return acquire();
            }
            if (r.cancelRequested) {
                return -Errno.ECANCELED;
            }
            if (deadline - System.nanoTime() <= 0) {
                r.timedOut = true;
                return -Errno.ECANCELED;
            }
            try {
                wait(SLICE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -Errno.ECANCELED;
            }
        }
    }

    /** The whole of buffer {@code id}, for the receive that acquired it. */
    MemorySegment buffer(int id) {
        return memory.asSlice((long) id * bufferSize, bufferSize);
    }

    @Override
    public synchronized MemorySegment take(int id, int length) {
        if (id < 0 || id >= count || !out[id]) {
            throw new IllegalStateException("buffer " + id + " was not taken by a receive");
        }
        if (length < 0 || length > bufferSize) {
            throw new IllegalArgumentException("length " + length + " outside buffer of " + bufferSize);
        }
        return memory.asSlice((long) id * bufferSize, length);
    }

    @Override
    public synchronized void release(int id) {
        if (id < 0 || id >= count) {
            throw new IndexOutOfBoundsException("buffer id " + id + " outside 0.." + (count - 1));
        }
        if (!out[id]) {
            throw new IllegalStateException("buffer " + id + " is already free");
        }
        out[id] = false;
        free.add(id);
        notifyAll();
    }

    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }
}
