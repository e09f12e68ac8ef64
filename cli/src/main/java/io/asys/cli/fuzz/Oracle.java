package io.asys.cli.fuzz;

import io.asys.Asys;
import io.asys.Op;
import io.asys.RawCall;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletionException;

/**
 * The plain system calls the fuzzer compares asys against, run synchronously one at a time
 * through asys's raw-call path (libc {@code syscall()} on a worker thread of a separate
 * {@code Asys}): no io_uring, no worker-engine code. Results are {@code >= 0} or {@code -errno}.
 * Reads and writes use {@code preadv2}/{@code pwritev2} with one iovec and no flags: the same
 * as {@code pread}/{@code pwrite} except that offset -1 means the file position, as in io_uring.
 */
final class Oracle implements AutoCloseable {
    private static final long O_CLOEXEC = 02000000;
    private final Asys raw;

    Oracle() throws java.io.IOException {
        raw = Asys.open("workers");
    }

    long call(RawCall call) {
        try {
            return raw.syscall(call).join();
        } catch (CompletionException e) {
            return Outcome.of(null, e);
        }
    }

    private static MemorySegment c(Arena a, String path) {
        return a.allocateFrom(path);
    }

    long openat(String path, int flags, int mode) {
        try (Arena a = Arena.ofConfined()) {
            return call(RawCall.of("openat").arg(Op.AT_FDCWD).arg(c(a, path)).arg(flags | O_CLOEXEC).arg(mode));
        }
    }

    long close(int fd) {
        return call(RawCall.of("close").arg(fd));
    }

    long readOrWrite(boolean read, int fd, MemorySegment buffer, long offset, int rwFlags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment iov = a.allocate(16, 8);
            iov.set(ValueLayout.JAVA_LONG, 0, buffer.address());
            iov.set(ValueLayout.JAVA_LONG, 8, buffer.byteSize());
            RawCall rc = RawCall.of(read ? "preadv2" : "pwritev2").arg(fd).arg(iov).arg(1).arg(offset).arg(0).arg(rwFlags);
            long r = call(rc);
            java.lang.ref.Reference.reachabilityFence(buffer);
            return r;
        }
    }

    long syncFileRange(int fd, long offset, int length, int flags) {
        return call(RawCall.of("sync_file_range").arg(fd).arg(offset).arg(Integer.toUnsignedLong(length)).arg(flags));
    }

    long fsync(int fd, boolean dataOnly) {
        return call(RawCall.of(dataOnly ? "fdatasync" : "fsync").arg(fd));
    }

    long ftruncate(int fd, long length) {
        return call(RawCall.of("ftruncate").arg(fd).arg(length));
    }

    long fallocate(int fd, int mode, long offset, long length) {
        return call(RawCall.of("fallocate").arg(fd).arg(mode).arg(offset).arg(length));
    }

    long fadvise(int fd, long offset, int length, int advice) {
        return call(RawCall.of("fadvise64").arg(fd).arg(offset).arg(Integer.toUnsignedLong(length)).arg(advice));
    }

    /** statx into {@code out} (256 bytes). */
    long statx(String path, int flags, int mask, MemorySegment out) {
        try (Arena a = Arena.ofConfined()) {
            return call(RawCall.of("statx").arg(Op.AT_FDCWD).arg(c(a, path)).arg(flags).arg(mask).arg(out));
        }
    }

    long renameat2(String from, String to, int flags) {
        try (Arena a = Arena.ofConfined()) {
            return call(RawCall.of("renameat2").arg(Op.AT_FDCWD).arg(c(a, from)).arg(Op.AT_FDCWD).arg(c(a, to)).arg(flags));
        }
    }

    long unlinkat(String path, int flags) {
        try (Arena a = Arena.ofConfined()) {
            return call(RawCall.of("unlinkat").arg(Op.AT_FDCWD).arg(c(a, path)).arg(flags));
        }
    }

    long mkdirat(String path, int mode) {
        try (Arena a = Arena.ofConfined()) {
            return call(RawCall.of("mkdirat").arg(Op.AT_FDCWD).arg(c(a, path)).arg(mode));
        }
    }

    long symlinkat(String target, String link) {
        try (Arena a = Arena.ofConfined()) {
            return call(RawCall.of("symlinkat").arg(c(a, target)).arg(Op.AT_FDCWD).arg(c(a, link)));
        }
    }

    long linkat(String existing, String link, int flags) {
        try (Arena a = Arena.ofConfined()) {
            return call(RawCall.of("linkat").arg(Op.AT_FDCWD).arg(c(a, existing)).arg(Op.AT_FDCWD).arg(c(a, link)).arg(flags));
        }
    }

    long getxattr(String path, String name, MemorySegment value) {
        try (Arena a = Arena.ofConfined()) {
            return call(RawCall.of("getxattr").arg(c(a, path)).arg(c(a, name)).arg(value).arg(value.byteSize()));
        }
    }

    long setxattr(String path, String name, MemorySegment value, int flags) {
        try (Arena a = Arena.ofConfined()) {
            return call(RawCall.of("setxattr").arg(c(a, path)).arg(c(a, name)).arg(value).arg(value.byteSize()).arg(flags));
        }
    }

    long setsockopt(int fd, int level, int option, MemorySegment value) {
        return call(RawCall.of("setsockopt").arg(fd).arg(level).arg(option).arg(value).arg(value.byteSize()));
    }

    @Override
    public void close() {
        raw.close();
    }
}
