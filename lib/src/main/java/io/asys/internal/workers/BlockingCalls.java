package io.asys.internal.workers;

import io.asys.Errno;
import io.asys.Op;
import io.asys.internal.engine.Multishots;
import io.asys.internal.engine.Request;
import io.asys.internal.linux.Syscall;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static io.asys.internal.linux.SyscallNumbers.*;

/**
 * Runs a typed operation as the blocking system call it stands for, on the calling worker
 * thread: the worker engine's whole mapping from {@link Op} to system calls, giving the same raw
 * results ({@code >= 0} or {@code -errno}) as io_uring. Calls that can wait without bound (reads
 * of pipes and sockets, accept, poll) first wait in {@code ppoll} slices so that a cancel or a
 * timeout ends them. One instance per worker thread.
 */
final class BlockingCalls {
    static final int POLLIN = 0x1;
    static final int POLLOUT = 0x4;
    private static final long SLICE_NANOS = 50_000_000L;
    private static final int O_CLOEXEC = 02000000;

    private final Syscall sys = new Syscall();
    /** cachestat and the thread CPU clock, for attributes; made on first use. */
    private io.asys.internal.engine.AttributeProbes probes;
    private final MemorySegment scratch = Arena.ofAuto().allocate(64, 8);
    /** Splice offsets (0, 8) and a one-entry iovec (16, 24) for preadv2/pwritev2 with flags. */
    private final MemorySegment offsets = Arena.ofAuto().allocate(32, 8);
    private final AtomicIntegerArray directFds;
    private final io.asys.internal.engine.NativeScratch native_ = new io.asys.internal.engine.NativeScratch();

    BlockingCalls(AtomicIntegerArray directFds) {
        this.directFds = directFds;
    }

    /** The raw result of {@code op}; {@code -ECANCELED} when cancelled or past {@code deadline} while waiting. */
    int execute(Request<?> r, long deadline) {
        Op<?> op = r.op;
        return switch (op) {
            case Op.Nop n -> 0;
            // Offset -1 is the file position, as in io_uring and preadv2; other negative offsets are EINVAL.
            case Op.Read o when o.offset() < -1 -> -Errno.EINVAL;
            case Op.Write o when o.offset() < -1 -> -Errno.EINVAL;
            case Op.ReadFixed o when o.offset() < -1 -> -Errno.EINVAL;
            case Op.WriteFixed o when o.offset() < -1 -> -Errno.EINVAL;
            case Op.Read o when o.rwFlags() != 0 -> single(PREADV2, o.handle().fd(), o.buffer(), o.offset(), o.rwFlags());
            case Op.Write o when o.rwFlags() != 0 -> single(PWRITEV2, o.handle().fd(), o.buffer(), o.offset(), o.rwFlags());
            // preadv2, as io_uring reads: pread64 fails a zero-length read of a directory (EISDIR), preadv2 returns 0.
            // An O_DIRECT file never waits for readiness: no ppoll first (one system call less per read).
            case Op.Read o when o.handle().isDirectIo() -> readv1(o.handle().fd(), o.buffer(), o.offset());
            case Op.Read o -> waitThen(r, o.handle().fd(), POLLIN, deadline, () -> readv1(o.handle().fd(), o.buffer(), o.offset()));
            case Op.Write o -> rw(o.offset() < 0 ? WRITE : PWRITE64, o.handle().fd(), o.buffer(), o.offset());
            case Op.Readv o -> waitThen(r, o.handle().fd(), POLLIN, deadline,
                    () -> vectored(PREADV2, o.handle().fd(), o.buffers().address(), o.buffers().count(), o.offset(), o.rwFlags()));
            case Op.Writev o -> vectored(PWRITEV2, o.handle().fd(), o.buffers().address(), o.buffers().count(), o.offset(),
                    o.rwFlags());
            case Op.Fsync o -> call(o.dataOnly() ? FDATASYNC : FSYNC, o.handle().fd(), 0, 0, 0, 0);
            case Op.Fallocate o -> call(FALLOCATE, o.handle().fd(), o.mode(), o.offset(), o.length(), 0);
            case Op.Fadvise o -> call(FADVISE64, o.handle().fd(), o.offset(), Integer.toUnsignedLong(o.length()), o.advice(), 0);
            case Op.Ftruncate o -> call(FTRUNCATE, o.handle().fd(), o.length(), 0, 0, 0);
            case Op.SyncFileRange o -> call(SYNC_FILE_RANGE, o.handle().fd(), o.offset(), Integer.toUnsignedLong(o.length()),
                    o.flags(), 0);
            case Op.OpenAt o -> call(OPENAT, Op.AT_FDCWD, path(0, o.cPath()), o.flags() | O_CLOEXEC, o.mode(), 0);
            case Op.Statx o -> statx(r, call(STATX, Op.AT_FDCWD, path(0, o.cPath()), o.flags(), o.mask(),
                    scratchStatx()));
            case Op.StatxAll o -> statxAll(r, o);
            case Op.RenameAt o -> call(RENAMEAT2, Op.AT_FDCWD, path(0, o.cFrom()), Op.AT_FDCWD, path(1, o.cTo()), o.flags());
            case Op.UnlinkAt o -> call(UNLINKAT, Op.AT_FDCWD, path(0, o.cPath()), o.flags(), 0, 0);
            case Op.MkdirAt o -> call(MKDIRAT, Op.AT_FDCWD, path(0, o.cPath()), o.mode(), 0, 0);
            case Op.SymlinkAt o -> call(SYMLINKAT, path(0, o.cTarget()), Op.AT_FDCWD, path(1, o.cLink()), 0, 0);
            case Op.LinkAt o -> call(LINKAT, Op.AT_FDCWD, path(0, o.cExisting()), Op.AT_FDCWD, path(1, o.cLink()), o.flags());
            case Op.Timeout o -> sleep(r, System.nanoTime() + o.duration().toNanos());
            case Op.Close o -> call(CLOSE, o.fd(), 0, 0, 0, 0);
            case Op.OpenDirect o -> openDirect(o);
            case Op.ReadDirect o -> directFd(o.slot()) < 0 ? -Errno.EBADF
                    : rw(PREAD64, directFd(o.slot()), o.buffer(), o.offset());
            case Op.CloseDirect o -> closeDirect(o.slot());
            case Op.PollAdd o -> pollOnly(r, o.handle().fd(), o.events(), deadline);
            case Op.Socket o -> call(SOCKET, o.domain(), o.type() | O_CLOEXEC, o.protocol(), 0, 0);
            case Op.Connect o -> call(CONNECT, o.handle().fd(), o.sockaddr().address(), o.sockaddr().byteSize(), 0, 0);
            case Op.Bind o -> call(BIND, o.handle().fd(), o.sockaddr().address(), o.sockaddr().byteSize(), 0, 0);
            case Op.Listen o -> call(LISTEN, o.handle().fd(), o.backlog(), 0, 0, 0);
            case Op.SetSockOpt o -> call(SETSOCKOPT, o.handle().fd(), o.level(), o.option(), o.value().address(), o.value().byteSize());
            case Op.Accept o -> waitThen(r, o.handle().fd(), POLLIN, deadline,
                    () -> call(ACCEPT4, o.handle().fd(), 0, 0, O_CLOEXEC, 0));
            case Op.Send o -> call(SENDTO, o.handle().fd(), o.buffer().address(), o.buffer().byteSize(), o.flags(), 0);
            case Op.Recv o -> waitThen(r, o.handle().fd(), POLLIN, deadline,
                    () -> call(RECVFROM, o.handle().fd(), o.buffer().address(), o.buffer().byteSize(), o.flags(), 0));
            case Op.Shutdown o -> call(SHUTDOWN, o.handle().fd(), o.how(), 0, 0, 0);
            case Op.OpenAt2 o -> call(OPENAT2, Op.AT_FDCWD, path(0, o.cPath()),
                    native_.openHow(Integer.toUnsignedLong(o.flags() | O_CLOEXEC), o.mode(), o.resolve()).address(), 24, 0);
            case Op.GetXattr o -> call(GETXATTR, path(0, o.cPath()), path(1, o.cName()), o.value().address(),
                    o.value().byteSize(), 0);
            case Op.SetXattr o -> call(SETXATTR, path(0, o.cPath()), path(1, o.cName()), o.value().address(),
                    o.value().byteSize(), o.flags());
            case Op.FGetXattr o -> call(FGETXATTR, o.handle().fd(), path(1, o.cName()), o.value().address(),
                    o.value().byteSize(), 0);
            case Op.FSetXattr o -> call(FSETXATTR, o.handle().fd(), path(1, o.cName()), o.value().address(),
                    o.value().byteSize(), o.flags());
            case Op.Splice o -> splice(o);
            case Op.Tee o -> call(TEE, o.in().fd(), o.out().fd(), Integer.toUnsignedLong(o.length()), o.flags(), 0);
            case Op.Madvise o -> call(MADVISE, o.region().address(), o.region().byteSize(), o.advice(), 0, 0);
            case Op.SendZc o -> call(SENDTO, o.handle().fd(), o.buffer().address(), o.buffer().byteSize(), o.flags(), 0);
            case Op.SendMsg o -> {
                r.held = o.message().prepare();
                yield call(SENDMSG, o.handle().fd(), o.message().segment().address(), o.flags(), 0, 0);
            }
            case Op.RecvMsg o -> {
                r.held = o.message().prepare();
                yield waitThen(r, o.handle().fd(), POLLIN, deadline,
                        () -> call(RECVMSG, o.handle().fd(), o.message().segment().address(), o.flags(), 0, 0));
            }
            case Op.FutexWait o -> Waits.futexWait(sys, r, o, deadline);
            case Op.FutexWake o -> (int) sys.call(FUTEX, o.word().address(), Waits.FUTEX_WAKE | o.flags(), o.count(), 0, 0, 0);
            case Op.Waitid o -> Waits.waitid(sys, r, o, deadline);
            case Op.AcceptMultishot o -> acceptEach(r, o, deadline);
            case Op.PollMultishot o -> Waits.pollEach(sys, r, o, deadline);
            case Op.RecvMultishot o -> recvEach(r, o, deadline);
            case Op.RecvSelect o -> recvSelect(r, o, deadline);
            case Op.MsgRing o -> o.deliverDirectly();
            case Op.ReadFixed o -> readv1(o.handle().fd(), o.buffers().slice(o.index(), o.bufferOffset(), o.length()), o.offset());
            case Op.WriteFixed o -> rw(o.offset() < 0 ? WRITE : PWRITE64, o.handle().fd(),
                    o.buffers().slice(o.index(), o.bufferOffset(), o.length()), o.offset());
        };
    }

    io.asys.internal.engine.AttributeProbes probes() {
        if (probes == null) {
            probes = new io.asys.internal.engine.AttributeProbes();
        }
        return probes;
    }

    private long path(int which, byte[] cPath) {
        return native_.path(which, cPath).address();
    }

    private long scratchStatx() {
        return native_.statx().address();
    }

    /**
     * statx of each path in turn; the results go into the request, the raw result is the number
     * of paths. A cancel seen between two calls ends the batch: the paths not reached report
     * ECANCELED.
     */
    private int statxAll(Request<?> r, Op.StatxAll o) {
        int n = o.cPaths().length;
        io.asys.Statx[] results = new io.asys.Statx[n];
        int[] errnos = new int[n];
        for (int i = 0; i < n; i++) {
            if (r.cancelRequested) {
                java.util.Arrays.fill(errnos, i, n, Errno.ECANCELED);
                break;
            }
            int res = call(STATX, Op.AT_FDCWD, path(0, o.cPaths()[i]), o.flags(), o.mask(), scratchStatx());
            while (res == -Errno.EINTR && !r.cancelRequested) {
                // A signal meant for another request of this thread (InterruptSignal): this path again.
                res = call(STATX, Op.AT_FDCWD, path(0, o.cPaths()[i]), o.flags(), o.mask(), scratchStatx());
            }
            if (res == -Errno.EINTR) {
                res = -Errno.ECANCELED;
            }
            if (res >= 0) {
                results[i] = io.asys.Statx.decode(native_.statx());
            } else {
                errnos[i] = -res;
            }
        }
        r.value = new io.asys.StatxResults(o.files(), results, errnos);
        return n;
    }

    /** A successful statx leaves its decoded result in the request (the buffer is this thread's). */
    private int statx(Request<?> r, int res) {
        if (res >= 0) {
            r.value = io.asys.Statx.decode(native_.statx());
        }
        return res;
    }

    private int call(long nr, long a0, long a1, long a2, long a3, long a4) {
        return (int) sys.call(nr, a0, a1, a2, a3, a4, 0);
    }

    private int rw(long nr, int fd, MemorySegment buffer, long offset) {
        int res = (int) sys.call(nr, fd, buffer.address(), buffer.byteSize(), offset, 0, 0);
        if (res == -Errno.ESPIPE && (nr == PREAD64 || nr == PWRITE64)) {
            // A pipe or socket has no offset; io_uring ignores it there, and so do we.
            res = (int) sys.call(nr == PREAD64 ? READ : WRITE, fd, buffer.address(), buffer.byteSize(), 0, 0, 0);
        }
        return res;
    }

    private int vectored(long nr, int fd, long iov, int count, long offset, int rwFlags) {
        int res = (int) sys.call(nr, fd, iov, count, offset, 0, rwFlags);
        return res == -Errno.ESPIPE ? (int) sys.call(nr, fd, iov, count, -1, 0, rwFlags) : res;
    }

    /** preadv2/pwritev2 of one buffer with RWF_* flags, as io_uring's read and write take them. */
    private int single(long nr, int fd, MemorySegment buffer, long offset, int rwFlags) {
        offsets.set(ValueLayout.JAVA_LONG, 16, buffer.address());
        offsets.set(ValueLayout.JAVA_LONG, 24, buffer.byteSize());
        return vectored(nr, fd, offsets.address() + 16, 1, offset, rwFlags);
    }

    private int splice(Op.Splice o) {
        offsets.set(ValueLayout.JAVA_LONG, 0, o.inOffset());
        offsets.set(ValueLayout.JAVA_LONG, 8, o.outOffset());
        long in = o.inOffset() < 0 ? 0 : offsets.address();
        long out = o.outOffset() < 0 ? 0 : offsets.address() + 8;
        return (int) sys.call(SPLICE, o.in().fd(), in, o.out().fd(), out, Integer.toUnsignedLong(o.length()), o.flags());
    }

    /** Accepts again and again, each connection an item, until cancelled, timed out or failed. */
    private int acceptEach(Request<?> r, Op.AcceptMultishot o, long deadline) {
        while (true) {
            int fd = waitThen(r, o.handle().fd(), POLLIN, deadline, () -> call(ACCEPT4, o.handle().fd(), 0, 0, O_CLOEXEC, 0));
            if (fd == -Errno.EAGAIN || fd == -Errno.EINTR || fd == -Errno.ECONNABORTED) {
                continue; // another accept took it, or the peer left first: wait for the next one
            }
            if (fd < 0) {
                return fd;
            }
            if (!Multishots.deliver(r, o, fd, -1)) {
                return -Errno.ECANCELED;
            }
        }
    }

    /** Receives again and again into pool buffers, each arrival an item, until EOF (0), cancel or failure. */
    private int recvEach(Request<?> r, Op.RecvMultishot o, long deadline) {
        PooledBuffers pool = pool(o.buffers());
        while (true) {
            int id = pool.acquire(r, deadline);
            if (id < 0) {
                return id;
            }
            int res = recvInto(r, o.handle().fd(), pool, id, o.flags(), deadline);
            if (res <= 0) {
                pool.release(id);
                if (res == -Errno.EAGAIN || res == -Errno.EINTR) {
                    continue;
                }
                return res;
            }
            if (!Multishots.deliver(r, o, res, id)) {
                return -Errno.ECANCELED;
            }
        }
    }

    /** One receive into a pool buffer: ENOBUFS when none is free, as io_uring says with an empty ring. */
    private int recvSelect(Request<?> r, Op.RecvSelect o, long deadline) {
        PooledBuffers pool = pool(o.buffers());
        int id = pool.acquire();
        if (id < 0) {
            return id;
        }
        int res = recvInto(r, o.handle().fd(), pool, id, o.flags(), deadline);
        if (res < 0) {
            pool.release(id);
            return res;
        }
        r.value = o.selected(res, id);
        return res;
    }

    private int recvInto(Request<?> r, int fd, PooledBuffers pool, int id, int flags, long deadline) {
        MemorySegment buffer = pool.buffer(id);
        return waitThen(r, fd, POLLIN, deadline, () -> call(RECVFROM, fd, buffer.address(), buffer.byteSize(), flags, 0));
    }

    private static PooledBuffers pool(io.asys.ProvidedBuffers buffers) {
        if (buffers.source() instanceof PooledBuffers p) {
            return p;
        }
        throw new IllegalArgumentException("these provided buffers belong to another engine (" + buffers.engine() + ")");
    }

    /** preadv2 of one buffer (the iovec in this thread's scratch); offset -1 reads at the file position. */
    private int readv1(int fd, MemorySegment buffer, long offset) {
        scratch.set(ValueLayout.JAVA_LONG, 0, buffer.address());
        scratch.set(ValueLayout.JAVA_LONG, 8, buffer.byteSize());
        return vectored(PREADV2, fd, scratch.address(), 1, offset, 0);
    }

    /**
     * Reads {@code buffer} at {@code offset} only if the page cache has the data (preadv2 with
     * RWF_NOWAIT): the fibril principle, run on the submitting thread. {@code -EAGAIN} means "would block".
     */
    int tryReadNoWait(int fd, MemorySegment buffer, long offset, int rwFlags) {
        scratch.set(ValueLayout.JAVA_LONG, 0, buffer.address());
        scratch.set(ValueLayout.JAVA_LONG, 8, buffer.byteSize());
        // A critical downcall: RWF_NOWAIT returns without sleeping.
        return (int) sys.callNonBlocking(PREADV2, fd, scratch.address(), 1, offset, 0, rwFlags | io.asys.uring.IoUringAbi.RWF_NOWAIT);
    }

    /**
     * Metadata calls that can complete from the dentry and inode caches, tried without blocking
     * (openat2 with RESOLVE_CACHED fails with EAGAIN instead of going to disk): open, statx (as
     * an O_PATH open, statx of that fd, close), close. {@code -EAGAIN} means "give it to a worker".
     */
    int tryMetadataNoWait(Request<?> r) {
        return switch (r.op) {
            case Op.OpenAt o -> {
                // openat ignores unknown flags, a mode without O_CREAT and flags O_PATH cannot use,
                // where openat2 fails with EINVAL; RESOLVE_CACHED refuses O_CREAT, O_TRUNC and
                // O_TMPFILE anyway. Only plain opens are tried inline: the rest go to a worker's openat.
                int flags = o.flags() | O_CLOEXEC;
                if ((flags & ~VALID_OPEN_FLAGS) != 0 || (flags & NOT_INLINE) != 0) {
                    yield -Errno.EAGAIN;
                }
                // As io_uring's non-blocking attempt: O_NONBLOCK, so an open that would wait (a FIFO
                // without a writer, a device) never waits on the submitting thread, then the
                // descriptor is handed over without it unless the caller asked for it.
                int fd = openCached(o.cPath(), flags | O_NONBLOCK, 0);
                if (fd < 0 || (flags & O_NONBLOCK) != 0) {
                    yield fd;
                }
                if (call(FCNTL, fd, F_SETFL, flags & ~O_NONBLOCK, 0, 0) < 0) {
                    call(CLOSE, fd, 0, 0, 0, 0);
                    yield -Errno.EAGAIN;
                }
                yield fd;
            }
            case Op.Close o -> call(CLOSE, o.fd(), 0, 0, 0, 0);
            // statx checks its flags and mask before the path; the inline O_PATH open would not.
            case Op.Statx o when (o.flags() & ~STATX_INLINE_FLAGS) != 0 || (o.flags() & 0x6000) == 0x6000
                    || o.mask() < 0 -> -Errno.EAGAIN;
            case Op.Statx o -> {
                int noFollow = (o.flags() & Op.AT_SYMLINK_NOFOLLOW) != 0 ? O_NOFOLLOW : 0;
                int fd = openCached(o.cPath(), O_PATH | O_CLOEXEC | noFollow, 0);
                if (fd < 0) {
                    yield fd;
                }
                int res = statx(r, call(STATX, fd, EMPTY_PATH.address(), o.flags() | Op.AT_EMPTY_PATH, o.mask(),
                        scratchStatx()));
                call(CLOSE, fd, 0, 0, 0, 0);
                yield res;
            }
            default -> -Errno.EAGAIN;
        };
    }

    private int openCached(byte[] path, int flags, int mode) {
        scratch.set(ValueLayout.JAVA_LONG, 0, Integer.toUnsignedLong(flags));
        scratch.set(ValueLayout.JAVA_LONG, 8, mode);
        scratch.set(ValueLayout.JAVA_LONG, 16, RESOLVE_CACHED);
        return call(OPENAT2, Op.AT_FDCWD, path(0, path), scratch.address(), 24, 0);
    }

    private static final long RESOLVE_CACHED = 0x20;
    private static final int O_NONBLOCK = 04000;
    private static final int F_SETFL = 4;
    /** Every flag openat2 accepts (VALID_OPEN_FLAGS: the same bits on x86_64 and aarch64). */
    private static final int VALID_OPEN_FLAGS = 037777703;
    /** AT_SYMLINK_NOFOLLOW, AT_NO_AUTOMOUNT, AT_STATX_SYNC_TYPE: statx flags the inline path handles. */
    private static final int STATX_INLINE_FLAGS = 0x100 | 0x800 | 0x6000;
    /** O_CREAT, O_TRUNC, __O_TMPFILE and O_PATH: never opened inline. */
    private static final int NOT_INLINE = 0100 | 01000 | 020000000 | 010000000;
    private static final int O_PATH = 010000000;
    private static final int O_NOFOLLOW = 0400000;
    private static final MemorySegment EMPTY_PATH = Arena.global().allocate(1);

    interface Call {
        int run();
    }

    /** Waits until {@code fd} is ready for {@code events} (in slices, watching cancel and deadline), then runs the call. */
    int waitThen(Request<?> r, int fd, int events, long deadline, Call call) {
        int ready = pollOnly(r, fd, events, deadline);
        return ready < 0 ? ready : call.run();
    }

    private int pollOnly(Request<?> r, int fd, int events, long deadline) {
        scratch.set(ValueLayout.JAVA_INT, 16, fd);
        scratch.set(ValueLayout.JAVA_SHORT, 20, (short) events);
        while (true) {
            if (r.cancelRequested) {
                return -Errno.ECANCELED;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                r.timedOut = true;
                return -Errno.ECANCELED;
            }
            long slice = Math.min(left, SLICE_NANOS);
            scratch.set(ValueLayout.JAVA_LONG, 32, slice / 1_000_000_000L);
            scratch.set(ValueLayout.JAVA_LONG, 40, slice % 1_000_000_000L);
            scratch.set(ValueLayout.JAVA_SHORT, 22, (short) 0);
            int n = (int) sys.call(PPOLL, scratch.address() + 16, 1, scratch.address() + 32, 0, 8, 0);
            if (n > 0) {
                int revents = Short.toUnsignedInt(scratch.get(ValueLayout.JAVA_SHORT, 22));
                return revents;
            }
            if (n < 0 && n != -Errno.EINTR) {
                return n;
            }
        }
    }

    private static int sleep(Request<?> r, long until) {
        while (true) {
            if (r.cancelRequested) {
                return -Errno.ECANCELED;
            }
            long left = until - System.nanoTime();
            if (left <= 0) {
                return 0;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Math.min(left, SLICE_NANOS));
        }
    }

    private int directFd(int slot) {
        return slot < 0 || slot >= directFds.length() ? -1 : directFds.get(slot);
    }

    private int openDirect(Op.OpenDirect o) {
        if (o.slot() < 0 || o.slot() >= directFds.length()) {
            return -Errno.EINVAL;
        }
        int fd = call(OPENAT, Op.AT_FDCWD, path(0, o.cPath()), o.flags() | O_CLOEXEC, o.mode(), 0);
        if (fd < 0) {
            return fd;
        }
        int old = directFds.getAndSet(o.slot(), fd);
        if (old >= 0) {
            call(CLOSE, old, 0, 0, 0, 0);
        }
        return 0;
    }

    private int closeDirect(int slot) {
        if (slot < 0 || slot >= directFds.length()) {
            return -Errno.EINVAL;
        }
        int fd = directFds.getAndSet(slot, -1);
        return fd < 0 ? -Errno.EBADF : call(CLOSE, fd, 0, 0, 0, 0);
    }
}
