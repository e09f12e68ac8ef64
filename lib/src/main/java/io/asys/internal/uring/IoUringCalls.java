package io.asys.internal.uring;

import io.asys.internal.linux.Syscall;
import io.asys.internal.linux.SyscallNumbers;

import java.lang.foreign.MemorySegment;

import static io.asys.uring.IoUringAbi.IORING_ENTER_GETEVENTS;

/**
 * The three io_uring system calls, raw: results are {@code >= 0} or {@code -errno}.
 * One instance per owner thread (it holds that thread's errno capture).
 */
public final class IoUringCalls {
    private final Syscall syscall = new Syscall();

    public int setup(int entries, MemorySegment params) {
        return (int) syscall.call(SyscallNumbers.IO_URING_SETUP, entries, params.address(), 0, 0, 0, 0);
    }

    /**
     * io_uring_enter. Without GETEVENTS the call only submits and never sleeps, so it goes through
     * the cheaper critical downcall; with GETEVENTS it may block and goes through a normal one.
     */
    public int enter(int fd, int toSubmit, int minComplete, int flags, long arg, long argSize) {
        if ((flags & IORING_ENTER_GETEVENTS) == 0) {
            return (int) syscall.callNonBlocking(SyscallNumbers.IO_URING_ENTER, fd, toSubmit, minComplete, flags,
                    arg, argSize);
        }
        return (int) syscall.call(SyscallNumbers.IO_URING_ENTER, fd, toSubmit, minComplete, flags, arg, argSize);
    }

    public int register(int fd, int opcode, long arg, int nrArgs) {
        return (int) syscall.call(SyscallNumbers.IO_URING_REGISTER, fd, opcode, arg, nrArgs, 0, 0);
    }
}
