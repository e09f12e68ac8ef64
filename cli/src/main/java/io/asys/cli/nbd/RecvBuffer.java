package io.asys.cli.nbd;

import io.asys.Asys;
import io.asys.FileHandle;
import io.asys.Op;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The bytes received on one connection and not yet parsed: {@code [start, end)} of a native
 * buffer. A recv may return any part of a message, so parsers take only whole fields and ask
 * for more. Used by one receiving side at a time (the handshake, then the transmission phase);
 * never by two threads at once.
 */
final class RecvBuffer {
    static final int SIZE = 256 << 10;
    static final int RECV_MAX = 64 << 10;

    final MemorySegment bytes = Arena.ofAuto().allocate(SIZE, 64);
    int start;
    int end;

    int available() {
        return end - start;
    }

    /** Takes {@code n} bytes from the front: returns the offset where they start. */
    int take(int n) {
        int at = start;
        start += n;
        return at;
    }

    /**
     * Receives more bytes after {@code end} (moving what is left to the front first when the
     * buffer is past half full); completes with the count, 0 at end of stream.
     */
    CompletableFuture<Integer> receive(Asys asys, FileHandle socket, Duration timeout) {
        if (start == end) {
            start = 0;
            end = 0;
        } else if (end > SIZE / 2) {
            MemorySegment.copy(bytes, start, bytes, 0, end - start);
            end -= start;
            start = 0;
        }
        // At most RECV_MAX at a time: what comes after a WRITE's header is better received straight
        // into its request buffer than copied there from here.
        MemorySegment room = bytes.asSlice(end, Math.min(SIZE - end, RECV_MAX));
        Op.Recv recv = new Op.Recv(socket, room, 0);
        return (timeout == null ? asys.submit(recv) : asys.submit(recv, timeout)).thenApply(n -> {
            end += n;
            return n;
        });
    }
}
