package io.asys.internal.linux;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

import static io.asys.internal.linux.NativeAccess.C_INT;

/**
 * The status flags of a descriptor ({@code fcntl(fd, F_GETFL)}): tells whether it is open, its
 * access mode and whether it has O_DIRECT, without blocking. Stateless and thread-safe.
 */
public final class FdStatus {
    public static final int O_ACCMODE = 3;
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_DIRECT = 040000;
    private static final int F_GETFL = 3;

    /** fcntl never blocks for F_GETFL, so a critical downcall; its only failure is EBADF, so no errno capture. */
    private static final MethodHandle FCNTL = NativeAccess.plainDowncall("fcntl",
            FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT), Linker.Option.firstVariadicArg(2),
            Linker.Option.critical(false));

    private FdStatus() {
    }

    /** The file status flags of {@code fd}, or -1 when it is not an open descriptor. */
    public static int flags(int fd) {
        if (fd < 0) {
            return -1;
        }
        try {
            return (int) FCNTL.invokeExact(fd, F_GETFL, 0);
        } catch (Throwable t) {
            throw new AssertionError("fcntl downcall failed", t);
        }
    }
}
