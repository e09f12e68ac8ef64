package io.asys.kaio;

import io.asys.Asys;
import io.asys.Errno;
import io.asys.Errors;
import io.asys.FileHandle;
import io.asys.Op;
import io.asys.RawCall;
import io.asys.internal.linux.FdStatus;
import io.asys.internal.linux.LibC;
import io.asys.internal.linux.SyscallNumbers;
import io.asys.uring.IoVecs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * KAIO on asys's generic engine: each iocb becomes an {@link Op} submitted to {@link Asys}, its
 * completion becomes an {@link IoEvent} in this context's queue. What io_submit checks
 * synchronously in the kernel (descriptor open and readable or writable, the eventfd open,
 * opcode fields, room in the context) is checked here before the op is submitted, with the same
 * errno; everything else comes in the event. A read or write with RWF flags (other than HIPRI,
 * which the kernel's AIO ignores) runs as preadv2/pwritev2 with those flags through
 * {@link Asys#syscall}, so the kernel applies them. Thread-safe: one lock guards the queue and
 * the in-flight table; completions take it briefly on the engine thread.
 */
final class AsysIoContext implements IoContext {
    private static final MemorySegment ONE = Arena.global().allocate(ValueLayout.JAVA_LONG);

    static {
        ONE.set(ValueLayout.JAVA_LONG, 0, 1L);
    }

    private final Asys asys;
    /** The context opened {@code asys} itself and closes it at destroy. */
    private final boolean ownsAsys;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final Condition drained = lock.newCondition();
    private final ArrayDeque<IoEvent> events = new ArrayDeque<>();
    private final IdentityHashMap<Iocb, InFlight> inFlight = new IdentityHashMap<>();
    /** Descriptors wrapped as handles once; replaced when the same number comes back with other flags. */
    private final ConcurrentHashMap<Integer, FileHandle> handles = new ConcurrentHashMap<>();
    /** Operations in flight plus events not yet reaped: what the context's {@code nr_events} bounds. */
    private int used;
    private int running;
    private boolean destroyed;

    AsysIoContext(Asys asys, int capacity, boolean ownsAsys) {
        this.asys = asys;
        this.ownsAsys = ownsAsys;
        this.capacity = capacity;
    }

    /** One submitted iocb: what its event needs, and its future for cancel. */
    private static final class InFlight {
        final Iocb iocb;
        final long data;
        final int opcode;
        final int resfd;
        CompletableFuture<?> future;
        /** Set (under the lock) before asys.cancel is asked; read by the completion on the engine thread. */
        volatile boolean cancelled;
        /** The next in-flight submission of the same iocb object. */
        InFlight next;

        InFlight(Iocb iocb) {
            this.iocb = iocb;
            this.data = iocb.data();
            this.opcode = iocb.opcode();
            this.resfd = iocb.resfd();
        }
    }

    @Override
    public String backend() {
        return "asys-" + asys.engine();
    }

    @Override
    public int submit(int nr, Iocb[] iocbs) {
        if (nr < 0) {
            return -Errno.EINVAL;
        }
        if (nr > iocbs.length) {
            throw new IllegalArgumentException("nr " + nr + " exceeds the " + iocbs.length + " iocbs given");
        }
        for (int i = 0; i < nr; i++) {
            int ret = submitOne(iocbs[i]);
            if (ret < 0) {
                return i > 0 ? i : ret;
            }
        }
        return nr;
    }

    private int submitOne(Iocb cb) {
        if (cb == null) {
            return -Errno.EFAULT;
        }
        lock.lock();
        try {
            if (destroyed) {
                return -Errno.EINVAL;
            }
            if (used >= capacity) {
                return -Errno.EAGAIN;
            }
            used++;
            running++; // counted from here, so a destroy racing this submit waits for it
        } finally {
            lock.unlock();
        }
        int ret;
        InFlight f = new InFlight(cb);
        try {
            ret = start(cb, f);
        } catch (IllegalArgumentException | IllegalStateException e) {
            ret = -Errno.EFAULT; // a buffer that is closed, read-only for a read, or not native
        }
        if (ret < 0) {
            lock.lock();
            try {
                used--;
                if (--running == 0) {
                    drained.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
        return ret;
    }

    /** Checks {@code cb} as io_submit does, then submits it; 0, or the errno that refuses it. */
    private int start(Iocb cb, InFlight f) {
        int status = FdStatus.flags(cb.fd());
        if (status < 0) {
            return -Errno.EBADF;
        }
        if (cb.resfd() != -1 && FdStatus.flags(cb.resfd()) < 0) {
            return -Errno.EBADF;
        }
        int access = status & FdStatus.O_ACCMODE;
        int opcode = cb.opcode();
        boolean read = opcode == Iocb.IOCB_CMD_PREAD || opcode == Iocb.IOCB_CMD_PREADV;
        boolean write = opcode == Iocb.IOCB_CMD_PWRITE || opcode == Iocb.IOCB_CMD_PWRITEV;
        if (read || write) {
            if ((cb.rwFlags() & ~Iocb.RWF_SUPPORTED) != 0) {
                return -Errno.EOPNOTSUPP;
            }
            if (read ? access == FdStatus.O_WRONLY : access == FdStatus.O_RDONLY) {
                return -Errno.EBADF;
            }
            if (cb.offset() < 0) {
                return -Errno.EINVAL;
            }
            // A buffer that cannot be used fails the submit (EFAULT, in submitOne), not the event.
            if (cb.buffer() != null) {
                io.asys.uring.Buffers.checkNative(cb.buffer(), read);
            } else {
                cb.iovecs().check(read);
            }
        } else if (opcode == Iocb.IOCB_CMD_FSYNC || opcode == Iocb.IOCB_CMD_FDSYNC || opcode == Iocb.IOCB_CMD_POLL) {
            if (cb.rwFlags() != 0 || (cb.pollEvents() & ~0xffff) != 0) {
                return -Errno.EINVAL;
            }
        } else if (opcode != Iocb.IOCB_CMD_NOOP) {
            return -Errno.EINVAL;
        }
        CompletableFuture<?> future;
        int rwf = cb.rwFlags() & ~Iocb.RWF_HIPRI;
        if ((read || write) && rwf != 0) {
            future = flagged(cb, read, rwf);
        } else {
            future = asys.submit(op(cb, handle(cb.fd(), status)));
        }
        f.future = future;
        boolean lateForDestroy;
        lock.lock();
        try {
            f.next = inFlight.put(cb, f);
            // A poll submitted while destroy was collecting the pending ones: cancel it here.
            lateForDestroy = destroyed && f.opcode == Iocb.IOCB_CMD_POLL;
            f.cancelled |= lateForDestroy;
        } finally {
            lock.unlock();
        }
        future.whenComplete((v, t) -> complete(f, v, t));
        if (lateForDestroy) {
            asys.cancel(future);
        }
        return 0;
    }

    private static Op<?> op(Iocb cb, FileHandle h) {
        return switch (cb.opcode()) {
            case Iocb.IOCB_CMD_PREAD -> new Op.Read(h, slice(cb), cb.offset());
            case Iocb.IOCB_CMD_PWRITE -> new Op.Write(h, slice(cb), cb.offset());
            case Iocb.IOCB_CMD_PREADV -> new Op.Readv(h, cb.iovecs(), cb.offset());
            case Iocb.IOCB_CMD_PWRITEV -> new Op.Writev(h, cb.iovecs(), cb.offset());
            case Iocb.IOCB_CMD_FSYNC -> new Op.Fsync(h, false);
            case Iocb.IOCB_CMD_FDSYNC -> new Op.Fsync(h, true);
            case Iocb.IOCB_CMD_POLL -> new Op.PollAdd(h, cb.pollEvents());
            default -> new Op.Nop();
        };
    }

    private static MemorySegment slice(Iocb cb) {
        MemorySegment b = cb.buffer();
        return b.byteSize() == cb.nbytes() ? b : b.asSlice(0, cb.nbytes());
    }

    /** preadv2/pwritev2 with the iocb's RWF flags, on asys's raw-call workers. */
    private CompletableFuture<Long> flagged(Iocb cb, boolean read, int rwf) {
        IoVecs iov = cb.iovecs();
        if (iov == null) {
            iov = IoVecs.allocate(1).set(0, slice(cb));
        } else {
            iov.check(read);
        }
        RawCall call = RawCall.of(read ? SyscallNumbers.PREADV2 : SyscallNumbers.PWRITEV2)
                .arg(cb.fd()).arg(iov.address()).arg(iov.count()).arg(cb.offset()).arg(0).arg(rwf);
        IoVecs held = iov;
        return asys.syscall(call).whenComplete((r, t) -> java.lang.ref.Reference.reachabilityFence(held));
    }

    private FileHandle handle(int fd, int status) {
        boolean direct = (status & FdStatus.O_DIRECT) != 0;
        FileHandle h = handles.get(fd);
        if (h == null || h.isDirectIo() != direct) {
            h = FileHandle.borrow(fd, "fd " + fd, direct);
            handles.put(fd, h);
        }
        return h;
    }

    private void complete(InFlight f, Object value, Throwable failure) {
        long res;
        if (failure == null) {
            res = value instanceof Number n ? n.longValue() : 0;
        } else {
            int errno = Errors.errnoOf(failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure);
            res = -(errno != 0 ? errno : Errno.EIO);
            if (res == -Errno.ECANCELED && f.opcode == Iocb.IOCB_CMD_POLL && f.cancelled) {
                res = 0; // the kernel completes a cancelled poll with an empty mask
            }
        }
        lock.lock();
        try {
            InFlight head = inFlight.remove(f.iocb);
            if (head != f) {
                // Another submission of the same iocb: unlink this one and keep the rest.
                InFlight p = head;
                while (p != null && p.next != f) {
                    p = p.next;
                }
                if (p != null) {
                    p.next = f.next;
                }
                inFlight.put(f.iocb, head);
            } else if (f.next != null) {
                inFlight.put(f.iocb, f.next);
            }
            events.add(new IoEvent(f.data, f.iocb, res, 0));
            ready.signalAll();
        } finally {
            lock.unlock();
        }
        if (f.resfd != -1) {
            // After the event is visible, as the kernel's aio_complete does.
            LibC.signalEventfd(f.resfd, ONE);
        }
        lock.lock();
        try {
            // Only now is the operation done for destroy: its eventfd has been signalled.
            if (--running == 0) {
                drained.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int getEvents(int minNr, int nr, IoEvent[] out, Duration timeout) {
        if (minNr < 0 || minNr > nr) {
            return -Errno.EINVAL;
        }
        if (nr > out.length) {
            throw new IllegalArgumentException("nr " + nr + " exceeds the " + out.length + " events given");
        }
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        lock.lock();
        try {
            if (destroyed) {
                return -Errno.EINVAL;
            }
            while (events.size() < minNr && !destroyed) {
                try {
                    if (timeout == null) {
                        ready.await();
                    } else {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            break;
                        }
                        ready.awaitNanos(left);
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
            int n = Math.min(nr, events.size());
            for (int i = 0; i < n; i++) {
                out[i] = events.poll();
            }
            used -= n;
            if (n == 0 && interrupted) {
                return -Errno.EINTR;
            }
            return n;
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public int cancel(Iocb iocb) {
        InFlight f;
        lock.lock();
        try {
            f = destroyed ? null : inFlight.get(iocb);
            if (f == null) {
                return -Errno.EINVAL;
            }
            if (!(f.future instanceof io.asys.AsysFuture<?>)) {
                return -Errno.EINVAL; // a flagged read or write: a system call on a worker, not cancellable
            }
            f.cancelled = true;
        } finally {
            lock.unlock();
        }
        asys.cancel(f.future);
        return -Errno.EINPROGRESS;
    }

    @Override
    public int destroy() {
        java.util.List<InFlight> polls = new java.util.ArrayList<>();
        lock.lock();
        try {
            if (destroyed) {
                return -Errno.EINVAL;
            }
            destroyed = true;
            ready.signalAll();
            for (InFlight head : inFlight.values()) {
                for (InFlight f = head; f != null; f = f.next) {
                    if (f.opcode == Iocb.IOCB_CMD_POLL) {
                        f.cancelled = true;
                        polls.add(f);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        for (InFlight f : polls) {
            asys.cancel(f.future);
        }
        lock.lock();
        try {
            while (running > 0) {
                drained.awaitUninterruptibly();
            }
            events.clear();
            used = 0;
        } finally {
            lock.unlock();
        }
        handles.clear();
        if (ownsAsys) {
            asys.close();
        }
        return 0;
    }

    @Override
    public String toString() {
        return "IoContext[" + backend() + ", nr_events=" + capacity + "]";
    }
}
