package io.asys;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Data a receive put into a buffer the kernel picked from {@link ProvidedBuffers}. The
 * application owns the buffer until {@link #release()} (or {@link #close()}) gives it back for
 * the next receive, exactly once. The segment stays valid memory afterwards but may be
 * overwritten: copy what must be kept first. Thread-safe.
 */
public final class ReceivedBuffer implements AutoCloseable {
    private static final ReceivedBuffer EMPTY = new ReceivedBuffer(null, -1, MemorySegment.ofArray(new byte[0]));

    private final ProvidedBuffers owner;
    private final int bufferId;
    private final MemorySegment data;
    private final AtomicBoolean released = new AtomicBoolean();

    ReceivedBuffer(ProvidedBuffers owner, int bufferId, MemorySegment data) {
        this.owner = owner;
        this.bufferId = bufferId;
        this.data = data;
    }

    /** No data and no buffer (end of stream). */
    static ReceivedBuffer empty() {
        return EMPTY;
    }

    /** The bytes received. */
    public MemorySegment data() {
        return data;
    }

    public int length() {
        return (int) data.byteSize();
    }

    /** Which provided buffer holds them; -1 for an empty result that took none. */
    public int bufferId() {
        return bufferId;
    }

    /** Gives the buffer back; later calls do nothing. */
    public void release() {
        if (owner != null && released.compareAndSet(false, true)) {
            owner.release(bufferId);
        }
    }

    @Override
    public void close() {
        release();
    }
}
