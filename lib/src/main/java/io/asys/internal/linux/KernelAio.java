package io.asys.internal.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.asys.internal.linux.SyscallNumbers.IO_CANCEL;
import static io.asys.internal.linux.SyscallNumbers.IO_DESTROY;
import static io.asys.internal.linux.SyscallNumbers.IO_GETEVENTS;
import static io.asys.internal.linux.SyscallNumbers.IO_SETUP;
import static io.asys.internal.linux.SyscallNumbers.IO_SUBMIT;

/**
 * The kernel's AIO system calls (KAIO: {@code io_setup}, {@code io_destroy}, {@code io_submit},
 * {@code io_cancel}, {@code io_getevents}), each taking the arguments of the system call in its
 * order. Results are the kernel's: {@code >= 0} or {@code -errno}. Stateless; the
 * {@link Syscall} passed in carries the errno capture and belongs to the calling thread.
 */
public final class KernelAio {
    private KernelAio() {
    }

    /** io_setup(2): the new context's id ({@code aio_context_t}, non-zero), or {@code -errno}. */
    public static long setup(Syscall sys, int nrEvents) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ctxp = arena.allocate(ValueLayout.JAVA_LONG); // must hold 0 on entry
            long ret = sys.call(IO_SETUP, nrEvents, ctxp.address(), 0, 0, 0, 0);
            return ret < 0 ? ret : ctxp.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /** io_destroy(2): cancels what can be cancelled, waits for every request in flight, frees the context. */
    public static int destroy(Syscall sys, long ctx) {
        return (int) sys.call(IO_DESTROY, ctx, 0, 0, 0, 0, 0);
    }

    /** io_submit(2) of {@code nr} pointers to {@code struct iocb} at {@code iocbpp}: how many were queued. */
    public static long submit(Syscall sys, long ctx, long nr, MemorySegment iocbpp) {
        return sys.call(IO_SUBMIT, ctx, nr, iocbpp.address(), 0, 0, 0);
    }

    /** io_cancel(2) of the iocb at {@code iocb}; {@code result} is a {@code struct io_event} (unused since 5.x). */
    public static int cancel(Syscall sys, long ctx, long iocb, MemorySegment result) {
        return (int) sys.call(IO_CANCEL, ctx, iocb, result.address(), 0, 0, 0);
    }

    /**
     * io_getevents(2) into {@code events} ({@code nr} {@code struct io_event}); {@code timeout} is
     * a {@code struct timespec}, or {@link MemorySegment#NULL} to wait without limit.
     */
    public static long getevents(Syscall sys, long ctx, long minNr, long nr, MemorySegment events, MemorySegment timeout) {
        return sys.call(IO_GETEVENTS, ctx, minNr, nr, events.address(), timeout.address(), 0);
    }
}
