package io.asys.internal.engine;

import io.asys.uring.BufferRing;
import io.asys.uring.IoUringAbi;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Provided buffers in an io_uring buffer ring registered on the engine's ring. Any thread may
 * release a buffer (under this object's lock); a multishot receive that ran out of buffers
 * (ENOBUFS) is parked here and re-armed by the next release.
 */
final class RingBuffers implements BufferSource {
    private final UringEngine engine;
    private final BufferRing ring;
    private final List<Request<?>> starved = new ArrayList<>();
    private boolean closed;

    RingBuffers(UringEngine engine, BufferRing ring) {
        this.engine = engine;
        this.ring = ring;
    }

    UringEngine engine() {
        return engine;
    }

    BufferRing ring() {
        return ring;
    }

    @Override
    public int count() {
        return ring.count();
    }

    @Override
    public int bufferSize() {
        return ring.bufferSize();
    }

    @Override
    public synchronized int available() {
        return ring.available();
    }

    @Override
    public synchronized MemorySegment take(int id, int length) {
        return ring.take(id << 16 | IoUringAbi.IORING_CQE_F_BUFFER, length);
    }

    @Override
    public void release(int id) {
        List<Request<?>> wake;
        synchronized (this) {
            ring.recycle(id);
            if (starved.isEmpty()) {
                return;
            }
            wake = new ArrayList<>(starved);
            starved.clear();
        }
        for (Request<?> r : wake) {
            engine.rearm(r);
        }
    }

    /**
     * A multishot receive ended with ENOBUFS: re-armed now if a buffer came back meanwhile, else
     * at the next release. False once closed (the receive then fails with ENOBUFS).
     */
    boolean parkOrRearm(Request<?> r) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (ring.available() == 0) {
                starved.add(r);
                return true;
            }
        }
        engine.rearm(r);
        return true;
    }

    @Override
    public void close() {
        List<Request<?>> wake;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            wake = new ArrayList<>(starved);
            starved.clear();
        }
        engine.unregister(this);
        for (Request<?> r : wake) {
            engine.rearm(r);
        }
    }
}
