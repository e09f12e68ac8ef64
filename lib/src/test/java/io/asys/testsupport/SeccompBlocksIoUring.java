package io.asys.testsupport;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Blocks io_uring the way Docker's default profile does, for the whole test JVM: when the
 * property {@value #PROP} is true, installs (before any test runs) a seccomp filter on every
 * thread that fails {@code io_uring_setup} with EPERM. The conformance suite then runs with
 * {@code asys.engine=auto} and must fall back to the worker engine.
 */
public final class SeccompBlocksIoUring implements LauncherSessionListener {
    public static final String PROP = "asys.test.seccompBlocksIoUring";
    private static final int PR_SET_NO_NEW_PRIVS = 38;
    private static final int SECCOMP_SET_MODE_FILTER = 1;
    private static final int SECCOMP_FILTER_FLAG_TSYNC = 1;
    private static final int SECCOMP_RET_ERRNO = 0x0005_0000;
    private static final int SECCOMP_RET_ALLOW = 0x7fff_0000;
    private static final int EPERM = 1;
    private static final int IO_URING_SETUP = 425;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (Boolean.getBoolean(PROP)) {
            install();
        }
    }

    static void install() {
        boolean aarch64 = "aarch64".equals(System.getProperty("os.arch"));
        long prctl = aarch64 ? 167 : 157;
        long seccomp = aarch64 ? 277 : 317;
        Linker linker = Linker.nativeLinker();
        MethodHandle syscall = linker.downcallHandle(linker.defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
                Linker.Option.firstVariadicArg(1));
        Arena arena = Arena.global();
        // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }
        MemorySegment filter = arena.allocate(8 * 4, 8);
        put(filter, 0, 0x20, 0, 0, 0);                                  // ld [nr]
        put(filter, 1, 0x15, 0, 1, IO_URING_SETUP);                     // jeq io_uring_setup ? next : skip
        put(filter, 2, 0x06, 0, 0, SECCOMP_RET_ERRNO | EPERM);          // ret ERRNO(EPERM)
        put(filter, 3, 0x06, 0, 0, SECCOMP_RET_ALLOW);                  // ret ALLOW
        MemorySegment prog = arena.allocate(16, 8);                     // struct sock_fprog { u16 len; ptr filter; }
        prog.set(ValueLayout.JAVA_SHORT, 0, (short) 4);
        prog.set(ValueLayout.JAVA_LONG, 8, filter.address());
        try {
            // prctl insists that its unused arguments are zero: pass all of them.
            long r1 = (long) syscall.invokeExact(prctl, (long) PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L);
            long r2 = (long) syscall.invokeExact(seccomp, (long) SECCOMP_SET_MODE_FILTER,
                    (long) SECCOMP_FILTER_FLAG_TSYNC, prog.address(), 0L, 0L);
            if (r1 != 0 || r2 != 0) {
                throw new IllegalStateException("installing the seccomp filter failed: " + r1 + ", " + r2);
            }
        } catch (Throwable t) {
            throw new IllegalStateException("installing the seccomp filter failed", t);
        }
    }

    private static void put(MemorySegment f, int i, int code, int jt, int jf, int k) {
        f.set(ValueLayout.JAVA_SHORT, 8L * i, (short) code);
        f.set(ValueLayout.JAVA_BYTE, 8L * i + 2, (byte) jt);
        f.set(ValueLayout.JAVA_BYTE, 8L * i + 3, (byte) jf);
        f.set(ValueLayout.JAVA_INT, 8L * i + 4, k);
    }
}
