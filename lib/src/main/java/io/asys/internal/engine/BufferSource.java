package io.asys.internal.engine;

import java.lang.foreign.MemorySegment;

/**
 * Where the buffers of {@link io.asys.ProvidedBuffers} live: a provided-buffer ring registered with
 * io_uring, or a pool the worker engine picks from. Thread-safe.
 */
public interface BufferSource {
    int count();

    int bufferSize();

    /** Buffers free for the next receive. */
    int available();

    /** Marks buffer {@code id}, just filled with {@code length} bytes, as the application's; returns the data. */
    MemorySegment take(int id, int length);

    /** Gives buffer {@code id} back for the next receive. */
    void release(int id);

    /** No more receives select from it; buffers out stay valid memory. */
    void close();
}
