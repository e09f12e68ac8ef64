package io.asys.internal.uring;

/**
 * Layouts passed to {@code io_uring_enter} with {@code IORING_ENTER_EXT_ARG}: {@code struct
 * io_uring_getevents_arg} (24 bytes) and the {@code struct __kernel_timespec} it points to (16).
 * <pre>
 * io_uring_getevents_arg:  0 sigmask (u64)  8 sigmask_sz (u32)  12 min_wait_usec (u32)  16 ts (u64 pointer)
 * __kernel_timespec:       0 tv_sec (s64)   8 tv_nsec (s64)
 * </pre>
 */
public final class EnterArgDescriptor {
    public static final int SIZE = 24;
    public static final long SIGMASK = 0;
    public static final long SIGMASK_SZ = 8;
    public static final long MIN_WAIT_USEC = 12;
    public static final long TS = 16;

    public static final int TIMESPEC_SIZE = 16;
    public static final long TV_SEC = 0;
    public static final long TV_NSEC = 8;

    private EnterArgDescriptor() {
    }
}
