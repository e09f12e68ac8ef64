package io.asys.internal.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;

import static io.asys.internal.linux.NativeAccess.CALL_STATE;
import static io.asys.internal.linux.NativeAccess.C_LONG;

/**
 * System calls by number through libc's variadic {@code syscall(long number, ...)}, linked with
 * {@code firstVariadicArg(1)} and errno captured. Every result is the kernel's: {@code >= 0} on
 * success, {@code -errno} on failure.
 *
 * <p>Owned by one thread at a time: the errno capture area is per instance, so give each
 * thread (or each single-owner ring) its own.
 */
public final class Syscall {
    private static final MethodHandle SYSCALL_6 = variadic(6, false);
    /** For calls that never block: skips the thread-state transition of a normal downcall. */
    private static final MethodHandle SYSCALL_6_CRITICAL = variadic(6, true);

    private final MemorySegment callState = Arena.ofAuto().allocate(CALL_STATE);

    private static MethodHandle variadic(int argCount, boolean critical) {
        MemoryLayout[] args = new MemoryLayout[argCount + 1];
        Arrays.fill(args, C_LONG);
        var descriptor = FunctionDescriptor.of(C_LONG, args);
        return critical
                ? NativeAccess.errnoDowncall("syscall", descriptor, Linker.Option.firstVariadicArg(1),
                        Linker.Option.critical(false))
                : NativeAccess.errnoDowncall("syscall", descriptor, Linker.Option.firstVariadicArg(1));
    }

    /** Runs system call {@code number} with up to six arguments (unused ones are ignored by the kernel). */
    public long call(long number, long a0, long a1, long a2, long a3, long a4, long a5) {
        long ret;
        try {
            ret = (long) SYSCALL_6.invokeExact(callState, number, a0, a1, a2, a3, a4, a5);
        } catch (Throwable t) {
            throw new AssertionError("syscall downcall failed", t);
        }
        return ret == -1 ? -NativeAccess.errno(callState) : ret;
    }

    /**
     * Like {@link #call} for a call that returns without sleeping (an io_uring submit without
     * waiting): a critical downcall, which must never be used for anything that can block.
     */
    public long callNonBlocking(long number, long a0, long a1, long a2, long a3, long a4, long a5) {
        long ret;
        try {
            ret = (long) SYSCALL_6_CRITICAL.invokeExact(callState, number, a0, a1, a2, a3, a4, a5);
        } catch (Throwable t) {
            throw new AssertionError("syscall downcall failed", t);
        }
        return ret == -1 ? -NativeAccess.errno(callState) : ret;
    }
}
