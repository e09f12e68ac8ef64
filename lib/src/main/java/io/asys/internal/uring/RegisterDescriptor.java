package io.asys.internal.uring;

/**
 * Layouts passed to {@code io_uring_register}.
 * <pre>
 * struct io_uring_probe (16 + 8 * ops_len):
 *   0 last_op (u8)  1 ops_len (u8)  2 resv (u16)  4 resv2[3] (u32)  16 ops[]
 * struct io_uring_probe_op (8):
 *   0 op (u8)  1 resv (u8)  2 flags (u16)  4 resv2 (u32)
 * struct io_uring_rsrc_update (16), for IORING_REGISTER_RING_FDS:
 *   0 offset (u32)  4 resv (u32)  8 data (u64)
 * struct iovec (16), for IORING_REGISTER_BUFFERS and readv/writev:
 *   0 iov_base (pointer)  8 iov_len (u64)
 * </pre>
 */
public final class RegisterDescriptor {
    public static final int PROBE_HEADER_SIZE = 16;
    public static final long PROBE_LAST_OP = 0;
    public static final long PROBE_OPS_LEN = 1;
    public static final int PROBE_OP_SIZE = 8;
    public static final long PROBE_OP_OP = 0;
    public static final long PROBE_OP_FLAGS = 2;

    public static final int RSRC_UPDATE_SIZE = 16;
    public static final long RSRC_UPDATE_OFFSET = 0;
    public static final long RSRC_UPDATE_DATA = 8;

    public static final int IOVEC_SIZE = 16;
    public static final long IOVEC_BASE = 0;
    public static final long IOVEC_LEN = 8;

    private RegisterDescriptor() {
    }
}
