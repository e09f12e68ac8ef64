package io.asys;

import io.asys.internal.linux.LibC;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * Raw file descriptors opened and closed synchronously: for setting up files that ring
 * operations then use (O_DIRECT among them, which {@code java.nio} cannot open with an fd).
 * Thread-safe; the caller owns each fd it opened.
 */
public final class FileDescriptors {
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    public static final int O_DIRECT = 040000;
    public static final int O_CLOEXEC = 02000000;

    public static final int POSIX_FADV_DONTNEED = 4;

    private FileDescriptors() {
    }

    /** open(2); O_CLOEXEC is always added. */
    public static int open(Path path, int flags, int mode) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cPath = arena.allocateFrom(path.toString());
            int fd = new LibC().open(cPath, flags | O_CLOEXEC, mode);
            if (fd < 0) {
                throw new ErrnoException("open", path.toString(), fd);
            }
            return fd;
        }
    }

    public static void close(int fd) throws ErrnoException {
        int ret = new LibC().close(fd);
        if (ret < 0) {
            throw new ErrnoException("close", "fd " + fd, ret);
        }
    }

    /** Drops the file's clean pages from the page cache (posix_fadvise DONTNEED). */
    public static void dropCache(int fd) throws ErrnoException {
        int ret = new LibC().posixFadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        if (ret < 0) {
            throw new ErrnoException("posix_fadvise(DONTNEED)", "fd " + fd, ret);
        }
    }

    /** The process id, as getpid(2) returns it. */
    public static int getpid() {
        return LibC.getpid();
    }
}
