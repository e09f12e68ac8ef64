package io.asys.cli.nbd;

import io.asys.Asys;
import io.asys.ErrnoException;
import io.asys.FileHandle;
import io.asys.RawCall;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Pipes for large reads sent without a copy: the file's page-cache pages are spliced into a pipe
 * (references, no copy), then from the pipe into the socket (the socket's buffers reference the
 * same pages). Each pipe is resized to {@link #CAPACITY} once, so a whole request fits. A pipe
 * comes back empty ({@link #release} with {@code empty}) and is kept for the next read; one that
 * may still hold bytes (a failed or cut-off splice) is closed instead, so no stale byte is ever
 * sent. Thread-safe.
 */
final class Pipes {
    /** A pipe's two ends. */
    record Pipe(FileHandle readEnd, FileHandle writeEnd) {
    }

    /** Bytes a pipe holds: requests of this size or less are spliced (fs.pipe-max-size defaults to 1 MiB). */
    static final int CAPACITY = 1 << 20;
    private static final int F_SETPIPE_SZ = 1031;
    private static final int KEPT = 64;

    private final Asys asys;
    private final ConcurrentLinkedQueue<Pipe> free = new ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger kept = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean closed;

    Pipes(Asys asys) {
        this.asys = asys;
    }

    /** An empty pipe of {@link #CAPACITY} bytes (a new one when none is free). */
    CompletableFuture<Pipe> take() {
        Pipe p = free.poll();
        if (p != null) {
            kept.decrementAndGet();
            return CompletableFuture.completedFuture(p);
        }
        FileHandle[] ends;
        try {
            ends = asys.pipe();
        } catch (ErrnoException e) {
            return CompletableFuture.failedFuture(e);
        }
        Pipe fresh = new Pipe(ends[0], ends[1]);
        return asys.syscall(RawCall.of("fcntl").arg(ends[1].fd()).arg(F_SETPIPE_SZ).arg(CAPACITY)).handle((size, t) -> {
            if (t != null || size < CAPACITY) {
                close(fresh);
                throw new java.util.concurrent.CompletionException(t != null ? t
                        : new IllegalStateException("pipe resized to " + size + " bytes, not " + CAPACITY));
            }
            return fresh;
        });
    }

    /** Gives a pipe back: kept if {@code empty} (and the pool is not full), else closed. */
    void release(Pipe p, boolean empty) {
        if (empty && !closed && kept.incrementAndGet() <= KEPT) {
            free.offer(p);
            if (closed && free.remove(p)) {
                close(p);
            }
            return;
        }
        if (empty && !closed) {
            kept.decrementAndGet();
        }
        close(p);
    }

    /** Closes the kept pipes; pipes released later are closed too. */
    void close() {
        closed = true;
        Pipe p;
        while ((p = free.poll()) != null) {
            close(p);
        }
    }

    private void close(Pipe p) {
        asys.close(p.readEnd()).exceptionally(t -> 0);
        asys.close(p.writeEnd()).exceptionally(t -> 0);
    }
}
