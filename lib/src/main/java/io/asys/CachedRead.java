package io.asys;

import java.lang.foreign.MemorySegment;

/**
 * The shortest path of a read whose data is all in the page cache: one
 * {@code preadv2(RWF_NOWAIT)} on the calling thread and a completed future, with no request
 * object, no engine and no hand-off (the fibril principle at the API's door). Anything else (not
 * all cached, an error, end of file, a read that needs the engine's checks) answers {@code null}
 * and the read takes the ordinary path, which does the whole call again there.
 */
final class CachedRead {
    private CachedRead() {
    }

    /** What {@link #attempt} answers when it made no attempt (the read is not one for this path). */
    static final int NOT_TRIED = Integer.MIN_VALUE;

    /**
     * Bytes read (the whole buffer when all of it was cached), a short count or {@code -errno}
     * from the non-blocking attempt, or {@link #NOT_TRIED}. Only a whole buffer completes the read
     * here; anything else goes to an engine, told the attempt was made so it does not repeat it.
     */
    static int attempt(FileHandle file, MemorySegment buffer, long offset) {
        long size = buffer.byteSize();
        if (offset < 0 || size == 0 || size > Asys.INLINE_READ_MAX || file.isDirectIo() || !buffer.isNative()
                || buffer.isReadOnly() || !buffer.scope().isAlive() || !file.acquire()) {
            return NOT_TRIED;
        }
        try {
            return NoWaitRead.get().read(file.fd(), buffer, offset);
        } finally {
            // The hold kept the descriptor from being closed (and reused) under the call.
            file.release();
        }
    }

    /** A future completed with {@code bytes}. */
    static AsysFuture<Integer> completed(int bytes) {
        AsysFuture<Integer> done = new AsysFuture<>();
        done.complete(bytes);
        return done;
    }
}
