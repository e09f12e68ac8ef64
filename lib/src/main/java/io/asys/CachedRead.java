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

    /** The completed future of the read, or {@code null}: submit it the ordinary way. */
    static AsysFuture<Integer> tryRead(FileHandle file, MemorySegment buffer, long offset) {
        long size = buffer.byteSize();
        if (offset < 0 || size == 0 || size > Asys.INLINE_READ_MAX || file.isDirectIo() || !buffer.isNative()
                || buffer.isReadOnly() || !buffer.scope().isAlive() || !file.acquire()) {
            return null;
        }
        int res;
        try {
            res = NoWaitRead.get().read(file.fd(), buffer, offset);
        } finally {
            // The hold kept the descriptor from being closed (and reused) under the call.
            file.release();
        }
        if (res != size) {
            return null;
        }
        AsysFuture<Integer> done = new AsysFuture<>();
        done.complete(res);
        return done;
    }
}
