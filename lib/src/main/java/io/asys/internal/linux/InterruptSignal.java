package io.asys.internal.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Interrupts a blocking system call on another thread of this process, as the JDK interrupts a
 * thread blocked in channel I/O: a signal whose handler does nothing and was installed without
 * {@code SA_RESTART}, so the call returns {@code EINTR} (an open of a FIFO, a read of a pipe, a
 * wait on a slow file system) and the thread goes on. The signal is the JDK's own
 * ({@code __SIGRTMAX - 2}, installed by {@code sun.nio.ch.NativeThread}); it is used only after
 * {@code rt_sigaction} shows a handler there, not ignored, without {@code SA_RESTART} (the
 * default action of that signal would end the process). Calls the kernel does not interrupt
 * (a statx that waits for the disk) finish as they would have.
 */
public final class InterruptSignal {
    /** {@code __SIGRTMAX - 2}: Linux has 64 signals. */
    public static final int SIGNAL = 64 - 2;
    private static final long SIG_DFL = 0;
    private static final long SIG_IGN = 1;
    private static final long SA_RESTART = 0x10000000L;
    private static final boolean USABLE = check();

    private InterruptSignal() {
    }

    private static boolean check() {
        try {
            // Its static initialiser installs the handler (as any JDK channel would on first use).
            Class.forName("sun.nio.ch.NativeThread", true, null);
        } catch (ClassNotFoundException | LinkageError e) {
            // Not this JDK's layout: the check below decides.
        }
        MemorySegment old = Arena.ofAuto().allocate(64, 8);
        long res = new Syscall().call(SyscallNumbers.RT_SIGACTION, SIGNAL, 0, old.address(), 8, 0, 0);
        if (res < 0) {
            return false;
        }
        long handler = old.get(ValueLayout.JAVA_LONG, 0);
        long flags = old.get(ValueLayout.JAVA_LONG, 8);
        return handler != SIG_DFL && handler != SIG_IGN && (flags & SA_RESTART) == 0;
    }

    /** Whether blocked calls can be interrupted here (the handler is in place). */
    public static boolean usable() {
        return USABLE;
    }

    /**
     * Sends the signal to thread {@code tid} of this process; false when it cannot be used or the
     * thread is gone. The caller must tolerate EINTR at any blocking call of that thread.
     */
    public static boolean interrupt(int tid) {
        if (!USABLE || tid <= 0) {
            return false;
        }
        return new Syscall().call(SyscallNumbers.TGKILL, LibC.getpid(), tid, SIGNAL, 0, 0, 0) == 0;
    }
}
