package io.asys.uring;

import java.lang.foreign.MemorySegment;

/** Checks made on every buffer before its address is written into an SQE. */
final class Buffers {
    private Buffers() {
    }

    static void checkNative(MemorySegment buffer, boolean kernelWrites) {
        if (!buffer.isNative()) {
            throw new IllegalArgumentException("buffer must be native memory (a heap segment can move): " + buffer);
        }
        if (kernelWrites && buffer.isReadOnly()) {
            throw new IllegalArgumentException("buffer is read-only but the kernel would write into it");
        }
        if (!buffer.scope().isAlive()) {
            throw new IllegalStateException("buffer's arena is already closed");
        }
        if (buffer.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("buffer larger than 2 GiB: " + buffer.byteSize() + " bytes");
        }
    }
}
