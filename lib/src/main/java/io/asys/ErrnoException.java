package io.asys;

import java.io.IOException;

/**
 * A system call failed: carries the errno, the operation and, where there is one, the path.
 * The message reads {@code openat /tmp/x: ENOENT (No such file or directory)}.
 */
public class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String operation;
    private final String path;

    public ErrnoException(String operation, String path, int errno) {
        super(operation + (path == null ? "" : " " + path) + ": " + Errno.describe(errno));
        this.errno = Math.abs(errno);
        this.operation = operation;
        this.path = path;
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }

    /** The errno's symbolic name, such as {@code EBADF}. */
    public String errnoName() {
        return Errno.name(errno);
    }

    public String operation() {
        return operation;
    }

    /** The path the operation was on, or {@code null}. */
    public String path() {
        return path;
    }
}
