package io.asys;

import io.asys.internal.engine.BufferSource;

/**
 * Buffers that receives pick from by themselves (io_uring's provided-buffer rings; a pool on the
 * worker engine), so many sockets can wait for data without a buffer each. Made by
 * {@link Asys#provideBuffers(int, int)}; used by {@link Asys#recv(FileHandle, ProvidedBuffers)}
 * and {@link Asys#recvMultishot}. Each {@link ReceivedBuffer} is the application's until released.
 * When none is free, a single receive fails with ENOBUFS and a multishot receive waits for a
 * release. Thread-safe.
 */
public final class ProvidedBuffers implements AutoCloseable {
    private final BufferSource source;
    private final String engine;

    ProvidedBuffers(BufferSource source, String engine) {
        this.source = source;
        this.engine = engine;
    }

    public int count() {
        return source.count();
    }

    public int bufferSize() {
        return source.bufferSize();
    }

    /** Buffers free for the next receive. */
    public int available() {
        return source.available();
    }

    /** The engine whose receives may pick from these buffers. */
    public String engine() {
        return engine;
    }

    /** For engines: the buffers' storage. */
    public BufferSource source() {
        return source;
    }

    ReceivedBuffer received(int bufferId, int length) {
        if (bufferId < 0) {
            return ReceivedBuffer.empty();
        }
        return new ReceivedBuffer(this, bufferId, source.take(bufferId, length));
    }

    void release(int bufferId) {
        source.release(bufferId);
    }

    /** Stops receives from picking these buffers (those in flight fail with ENOBUFS); buffers out stay valid. */
    @Override
    public void close() {
        source.close();
    }
}
