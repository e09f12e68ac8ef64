package io.asys;

import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;

/**
 * An open file descriptor owned by asys. Operations on it hold it while in flight; {@link
 * Asys#close(FileHandle)} closes it exactly once, asynchronously, after every operation in
 * flight on it has completed (and {@link Asys#closeNow(FileHandle)} cancels them first). An
 * operation submitted after close started fails with EBADF. Thread-safe.
 */
public final class FileHandle {
    private static final long CLOSING = 1L << 62;

    private final int fd;
    private final String path;
    private final boolean directIo;
    /** In-flight count in the low bits, CLOSING once close was asked for. */
    /** Operations in flight, plus CLOSING once close was asked for (through STATE: no AtomicLong per handle). */
    private volatile long state;
    private static final java.lang.invoke.VarHandle STATE;

    static {
        try {
            STATE = java.lang.invoke.MethodHandles.lookup().findVarHandle(FileHandle.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    /** Closes the descriptor it is given and completes {@link #closeFuture()} with the outcome. */
    private volatile IntConsumer closer;

    FileHandle(int fd, String path) {
        this(fd, path, false);
    }

    FileHandle(int fd, String path, boolean directIo) {
        this.fd = fd;
        this.path = path;
        this.directIo = directIo;
    }

    /**
     * A handle over a descriptor the caller opened and keeps owning (as KAIO's iocbs carry raw
     * descriptors): asys never closes it unless {@link Asys#close(FileHandle)} is called on it.
     * {@code directIo}: the descriptor has O_DIRECT.
     */
    public static FileHandle borrow(int fd, String description, boolean directIo) {
        return new FileHandle(fd, description, directIo);
    }

    /** Opened with O_DIRECT: reads never come from the page cache, so no engine tries them inline. */
    public boolean isDirectIo() {
        return directIo;
    }

    /** The raw descriptor, valid until the handle is closed. */
    public int fd() {
        return fd;
    }

    /** The path it was opened from, or a description such as {@code socket}. */
    public String path() {
        return path;
    }

    public boolean isOpen() {
        return (state & CLOSING) == 0;
    }

    /** Completes with 0 once the descriptor is closed, or with the close's failure. */
    public CompletableFuture<Integer> closeFuture() {
        return closed;
    }

    /** Takes a hold for an operation about to be submitted; false if the handle is closing. */
    boolean acquire() {
        while (true) {
            long s = state;
            if ((s & CLOSING) != 0) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s + 1)) {
                return true;
            }
        }
    }

    /** Drops a hold; the last one after close was asked for runs the close. */
    void release() {
        if ((long) STATE.getAndAdd(this, -1L) - 1 == CLOSING) {
            runClose();
        }
    }

    /** Marks the handle closing; true for the one caller that did so. */
    boolean startClose(IntConsumer closer) {
        this.closer = closer;
        while (true) {
            long s = state;
            if ((s & CLOSING) != 0) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s | CLOSING)) {
                if (s == 0) {
                    runClose();
                }
                return true;
            }
        }
    }

    long inFlight() {
        return state & ~CLOSING;
    }

    private void runClose() {
        closer.accept(fd);
    }

    @Override
    public String toString() {
        return "FileHandle[fd=" + fd + ", " + path + (isOpen() ? "" : ", closing") + "]";
    }
}
