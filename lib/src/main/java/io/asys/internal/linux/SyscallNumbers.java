package io.asys.internal.linux;

/**
 * System call numbers of the running architecture (x86_64 or aarch64), as in the kernel's
 * {@code unistd} tables. The io_uring calls share one number on every architecture.
 */
public final class SyscallNumbers {
    public static final long IO_URING_SETUP = 425;
    public static final long IO_URING_ENTER = 426;
    public static final long IO_URING_REGISTER = 427;

    private static final boolean AARCH64 = "aarch64".equals(System.getProperty("os.arch"));

    public static final long GETPID = AARCH64 ? 172 : 39;
    public static final long GETTID = AARCH64 ? 178 : 186;

    private SyscallNumbers() {
    }
}
