package io.asys.internal.uring;

/**
 * Layouts of a provided-buffer ring (IORING_REGISTER_PBUF_RING), which the application fills and
 * the kernel consumes.
 * <pre>
 * struct io_uring_buf (16), one ring entry:
 *   0 addr (u64)  8 len (u32)  12 bid (u16)  14 resv (u16; in entry 0 it is the ring's tail)
 * struct io_uring_buf_reg (40), the argument of (UN)REGISTER_PBUF_RING:
 *   0 ring_addr (u64)  8 ring_entries (u32)  12 bgid (u16)  14 flags (u16)  16 resv[3] (u64)
 * </pre>
 * The tail is written by the application with a release store; the head is the kernel's own.
 */
public final class BufRingDescriptor {
    public static final int BUF_SIZE = 16;
    public static final long BUF_ADDR = 0;
    public static final long BUF_LEN = 8;
    public static final long BUF_BID = 12;
    public static final long RING_TAIL = 14;

    public static final int REG_SIZE = 40;
    public static final long REG_RING_ADDR = 0;
    public static final long REG_RING_ENTRIES = 8;
    public static final long REG_BGID = 12;

    /** The kernel's limit on ring entries. */
    public static final int MAX_ENTRIES = 1 << 15;

    private BufRingDescriptor() {
    }
}
