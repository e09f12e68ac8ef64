package io.asys.uring;

import java.lang.foreign.MemorySegment;

/**
 * Checks made on every buffer before its address reaches the kernel, by either engine: native,
 * alive, writable when the kernel writes into it, at most 2 GiB; paths NUL-terminated inside
 * their segment. Stateless.
 */
public final class Buffers {
    private Buffers() {
    }

    public static void checkNative(MemorySegment buffer, boolean kernelWrites) {
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

    /** A NUL-terminated string in native memory: the NUL must lie inside the segment. */
    public static MemorySegment checkCString(MemorySegment path) {
        checkNative(path, false);
        long n = path.byteSize();
        for (long i = 0; i < n; i++) {
            if (path.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i) == 0) {
                return path;
            }
        }
        throw new IllegalArgumentException("path is not NUL-terminated inside its segment of " + n + " bytes");
    }

    /** A 32-bit futex word: native, 4 bytes, aligned to 4. */
    public static void checkFutexWord(MemorySegment word) {
        checkNative(word, false);
        if (word.byteSize() < 4 || (word.address() & 3) != 0) {
            throw new IllegalArgumentException("a futex word needs 4 bytes aligned to 4");
        }
    }

    /** Room for a {@code siginfo_t} the kernel writes. */
    public static void checkSiginfo(MemorySegment info) {
        checkNative(info, true);
        if (info.byteSize() < Sqe.SIGINFO_SIZE) {
            throw new IllegalArgumentException("siginfo_t needs " + Sqe.SIGINFO_SIZE + " bytes, not " + info.byteSize());
        }
    }
}
