package io.asys;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The one translation from a failed raw result ({@code -errno}) to an exception, as the JDK's
 * {@code UnixException} does: ENOENT to {@link NoSuchFileException}, EACCES and EPERM to
 * {@link AccessDeniedException}, EEXIST to {@link FileAlreadyExistsException}, ENOTEMPTY to
 * {@link DirectoryNotEmptyException}, ENOTDIR to {@link NotDirectoryException}; on paths, other
 * errors become {@link FileSystemException}; without a path, {@link ErrnoException}. Every
 * message names the errno, the operation and the path.
 */
public final class Errors {
    private Errors() {
    }

    public static java.io.IOException exception(String operation, String path, int res) {
        String reason = operation + ": " + Errno.describe(res);
        if (path == null) {
            return new ErrnoException(operation, null, res);
        }
        return switch (-Math.abs(res)) {
            case -Errno.ENOENT -> new NoSuchFileException(path, null, reason);
            case -Errno.EACCES, -Errno.EPERM -> new AccessDeniedException(path, null, reason);
            case -Errno.EEXIST -> new FileAlreadyExistsException(path, null, reason);
            // These two JDK types take no reason: subclasses report it.
            case -Errno.ENOTEMPTY -> new DirectoryNotEmptyException(path) {
                @Override
                public String getReason() {
                    return reason;
                }
            };
            case -Errno.ENOTDIR -> new NotDirectoryException(path) {
                @Override
                public String getReason() {
                    return reason;
                }
            };
            default -> new ErrnoException(operation, path, res);
        };
    }

    /** The errno a failure carries, when it came from asys; 0 otherwise. */
    public static int errnoOf(Throwable t) {
        if (t instanceof ErrnoException e) {
            return e.errno();
        }
        if (t instanceof FileSystemException f && f.getReason() != null) {
            for (int e = 1; e < 134; e++) {
                if (f.getReason().contains(": " + Errno.name(e) + " (")) {
                    return e;
                }
            }
        }
        return 0;
    }
}
