package io.asys.kaio;

import io.asys.Errno;
import io.asys.ErrnoException;
import io.asys.internal.kaio.AioDescriptor;
import io.asys.internal.linux.KernelAio;
import io.asys.internal.linux.Syscall;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;

/**
 * The kernel's own AIO behind the {@link IoContext} shape. Each submitted iocb gets a slot in a
 * table; the slot's number goes to the kernel as {@code aio_data}, so an event finds its
 * {@link Iocb} and the caller's cookie without a search, and the table keeps the iocb and its
 * buffers reachable until the event is reaped. The kernel sees the iocb's own native copy, whose
 * address is the identity io_cancel looks for. Thread-safe: the slot table is guarded by this
 * object's lock; each thread has its own system-call scratch. A thread waiting in
 * {@code io_getevents} is a thread blocked in the kernel: Java's interrupt does not wake it.
 */
final class KernelIoContext implements IoContext {
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
    /**
     * Every context not yet destroyed: one dropped with reads in flight must not let the garbage
     * collector free buffers the kernel still writes into, so it stays reachable (and leaks, like
     * an unclosed descriptor) until {@link #destroy}.
     */
    private static final java.util.Set<KernelIoContext> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final long ctx;
    private final int capacity;
    private Iocb[] slotIocb;
    private long[] slotData;
    /** The buffers the kernel may touch, as submitted: a later prep of the iocb cannot let them go. */
    private Object[] slotHold;
    private int[] free;
    private int freeCount;
    private boolean destroyed;

    /** Per-thread native memory for the calls: iocb pointers, events, a timespec, errno capture. */
    private static final class Scratch {
        final Syscall sys = new Syscall();
        final Arena arena = Arena.ofAuto();
        final MemorySegment timespec = arena.allocate(AioDescriptor.TIMESPEC_SIZE, 8);
        final MemorySegment cancelResult = arena.allocate(AioDescriptor.EVENT_SIZE, 8);
        MemorySegment pointers = arena.allocate(8L * 64, 8);
        MemorySegment events = arena.allocate((long) AioDescriptor.EVENT_SIZE * 64, 8);

        MemorySegment pointers(int n) {
            if (pointers.byteSize() < 8L * n) {
                pointers = arena.allocate(8L * n, 8);
            }
            return pointers;
        }

        MemorySegment events(int n) {
            if (events.byteSize() < (long) AioDescriptor.EVENT_SIZE * n) {
                events = arena.allocate((long) AioDescriptor.EVENT_SIZE * n, 8);
            }
            return events;
        }
    }

    private KernelIoContext(long ctx, int capacity) {
        this.ctx = ctx;
        this.capacity = capacity;
        grow(capacity);
    }

    static IoContext setup(int nrEvents) throws ErrnoException {
        long ctx = KernelAio.setup(SCRATCH.get().sys, nrEvents);
        if (ctx < 0) {
            throw new ErrnoException("io_setup", null, (int) ctx);
        }
        KernelIoContext c = new KernelIoContext(ctx, nrEvents);
        LIVE.add(c);
        return c;
    }

    @Override
    public String backend() {
        return "kernel";
    }

    /** The kernel accepts more than nr_events (it rounds up per CPU): the table grows as needed. Under the lock. */
    private void grow(int size) {
        int old = slotIocb == null ? 0 : slotIocb.length;
        slotIocb = slotIocb == null ? new Iocb[size] : java.util.Arrays.copyOf(slotIocb, size);
        slotData = slotData == null ? new long[size] : java.util.Arrays.copyOf(slotData, size);
        slotHold = slotHold == null ? new Object[size] : java.util.Arrays.copyOf(slotHold, size);
        int[] f = new int[size];
        if (free != null) {
            System.arraycopy(free, 0, f, 0, freeCount);
        }
        free = f;
        for (int i = size - 1; i >= old; i--) {
            free[freeCount++] = i;
        }
    }

    private synchronized int takeSlot(Iocb cb) {
        if (freeCount == 0) {
            grow(slotIocb.length * 2);
        }
        int slot = free[--freeCount];
        slotIocb[slot] = cb;
        slotData[slot] = cb.data();
        slotHold[slot] = cb.buffer() != null ? cb.buffer() : cb.iovecs() != null ? cb.iovecs().hold() : null;
        return slot;
    }

    private synchronized void releaseSlot(int slot) {
        slotIocb[slot] = null;
        slotHold[slot] = null;
        free[freeCount++] = slot;
    }

    @Override
    public int submit(int nr, Iocb[] iocbs) {
        if (nr < 0) {
            return -Errno.EINVAL;
        }
        if (nr > iocbs.length) {
            throw new IllegalArgumentException("nr " + nr + " exceeds the " + iocbs.length + " iocbs given");
        }
        synchronized (this) {
            if (destroyed) {
                return -Errno.EINVAL;
            }
        }
        Scratch s = SCRATCH.get();
        MemorySegment pointers = s.pointers(nr);
        int n = 0;
        int[] slots = new int[nr];
        int ret;
        try {
            for (; n < nr && iocbs[n] != null; n++) {
                Iocb cb = iocbs[n];
                if (!buffersUsable(cb)) {
                    break; // a closed arena: its address must never reach the kernel (EFAULT if first)
                }
                slots[n] = takeSlot(cb);
                pointers.setAtIndex(ValueLayout.JAVA_LONG, n, cb.writeKernelStruct(slots[n]).address());
            }
            if (n == 0) {
                return nr == 0 ? 0 : -Errno.EFAULT;
            }
            ret = (int) KernelAio.submit(s.sys, ctx, n, pointers);
        } finally {
            java.lang.ref.Reference.reachabilityFence(iocbs);
        }
        for (int i = Math.max(ret, 0); i < n; i++) {
            releaseSlot(slots[i]);
        }
        return ret;
    }

    private static boolean buffersUsable(Iocb cb) {
        if (cb.buffer() != null) {
            return cb.buffer().scope().isAlive();
        }
        if (cb.iovecs() != null) {
            try {
                cb.iovecs().check(cb.opcode() == Iocb.IOCB_CMD_PREADV);
            } catch (IllegalArgumentException | IllegalStateException e) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int getEvents(int minNr, int nr, IoEvent[] out, Duration timeout) {
        if (nr > out.length) {
            throw new IllegalArgumentException("nr " + nr + " exceeds the " + out.length + " events given");
        }
        synchronized (this) {
            // The kernel may give a destroyed context's id to a new one: never pass it again.
            if (destroyed) {
                return -Errno.EINVAL;
            }
        }
        Scratch s = SCRATCH.get();
        MemorySegment events = s.events(Math.max(nr, 1));
        MemorySegment ts = MemorySegment.NULL;
        if (timeout != null) {
            ts = s.timespec;
            ts.set(ValueLayout.JAVA_LONG, 0, timeout.getSeconds());
            ts.set(ValueLayout.JAVA_LONG, 8, timeout.getNano());
        }
        int ret = (int) KernelAio.getevents(s.sys, ctx, minNr, nr, events, ts);
        for (int i = 0; i < ret; i++) {
            long at = (long) AioDescriptor.EVENT_SIZE * i;
            int slot = (int) events.get(ValueLayout.JAVA_LONG, at + AioDescriptor.EVENT_DATA);
            Iocb cb;
            long data;
            synchronized (this) {
                cb = slotIocb[slot];
                data = slotData[slot];
            }
            releaseSlot(slot);
            out[i] = new IoEvent(data, cb, events.get(ValueLayout.JAVA_LONG, at + AioDescriptor.EVENT_RES),
                    events.get(ValueLayout.JAVA_LONG, at + AioDescriptor.EVENT_RES2));
        }
        return ret;
    }

    @Override
    public int cancel(Iocb iocb) {
        MemorySegment native_ = iocb.kernelStruct();
        synchronized (this) {
            if (native_ == null || destroyed) {
                return -Errno.EINVAL;
            }
        }
        return KernelAio.cancel(SCRATCH.get().sys, ctx, native_.address(), SCRATCH.get().cancelResult);
    }

    @Override
    public int destroy() {
        synchronized (this) {
            if (destroyed) {
                return -Errno.EINVAL;
            }
            destroyed = true;
        }
        int ret = KernelAio.destroy(SCRATCH.get().sys, ctx);
        synchronized (this) {
            // Every request has completed inside io_destroy: the slots' iocbs may go.
            java.util.Arrays.fill(slotIocb, null);
            java.util.Arrays.fill(slotHold, null);
        }
        LIVE.remove(this);
        return ret;
    }

    @Override
    public String toString() {
        return "IoContext[kernel, ctx=0x" + Long.toHexString(ctx) + ", nr_events=" + capacity + "]";
    }
}
