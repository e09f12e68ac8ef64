package io.asys.internal.kaio;

/**
 * The kernel AIO ABI ({@code include/uapi/linux/aio_abi.h}) on the 64-bit little-endian
 * architectures asys runs on (x86_64, aarch64): {@code struct iocb} and {@code struct io_event}.
 *
 * <pre>
 * struct iocb (64 bytes)                      struct io_event (32 bytes)
 *  0 +-------------------------------+         0 +----------------------+
 *    | aio_data            u64       |           | data   u64 (aio_data)|
 *  8 +---------------+---------------+         8 +----------------------+
 *    | aio_key   u32 | aio_rw_flags  |           | obj    u64 (iocb *)  |
 * 16 +-------+-------+---------------+        16 +----------------------+
 *    |opcode |reqprio| aio_fildes u32|           | res    s64           |
 * 24 +-------+-------+---------------+        24 +----------------------+
 *    | aio_buf             u64       |           | res2   s64           |
 * 32 +-------------------------------+        32 +----------------------+
 *    | aio_nbytes          u64       |
 * 40 +-------------------------------+
 *    | aio_offset          s64       |
 * 48 +-------------------------------+
 *    | aio_reserved2       u64       |
 * 56 +---------------+---------------+
 *    | aio_flags u32 | aio_resfd u32 |
 * 64 +---------------+---------------+
 * </pre>
 */
public final class AioDescriptor {
    public static final int IOCB_SIZE = 64;
    public static final int IOCB_DATA = 0;
    /** Written by io_submit (KIOCB_KEY, 0); io_cancel checks it. */
    public static final int IOCB_KEY = 8;
    public static final int IOCB_RW_FLAGS = 12;
    public static final int IOCB_LIO_OPCODE = 16;
    public static final int IOCB_REQPRIO = 18;
    public static final int IOCB_FILDES = 20;
    public static final int IOCB_BUF = 24;
    public static final int IOCB_NBYTES = 32;
    public static final int IOCB_OFFSET = 40;
    public static final int IOCB_RESERVED2 = 48;
    public static final int IOCB_FLAGS = 56;
    public static final int IOCB_RESFD = 60;

    public static final int EVENT_SIZE = 32;
    public static final int EVENT_DATA = 0;
    public static final int EVENT_OBJ = 8;
    public static final int EVENT_RES = 16;
    public static final int EVENT_RES2 = 24;

    /** {@code struct timespec}: tv_sec then tv_nsec, both 64-bit. */
    public static final int TIMESPEC_SIZE = 16;

    private AioDescriptor() {
    }
}
