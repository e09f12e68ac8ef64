package io.asys.internal.uring;

/**
 * Layout of {@code struct io_uring_params} (120 bytes), filled in by {@code io_uring_setup}, with
 * its embedded {@code io_sqring_offsets} and {@code io_cqring_offsets} (40 bytes each). The ring
 * offsets are the only source of the positions of head, tail, mask and entries in the mapped rings.
 * <pre>
 *   0 sq_entries      4 cq_entries      8 flags          12 sq_thread_cpu
 *  16 sq_thread_idle 20 features       24 wq_fd          28 resv[3]
 *  40 sq_off: head 0, tail 4, ring_mask 8, ring_entries 12, flags 16, dropped 20,
 *             array 24, resv1 28, user_addr 32 (u64)
 *  80 cq_off: head 0, tail 4, ring_mask 8, ring_entries 12, overflow 16, cqes 20,
 *             flags 24, resv1 28, user_addr 32 (u64)
 * </pre>
 */
public final class ParamsDescriptor {
    public static final int SIZE = 120;

    public static final long SQ_ENTRIES = 0;
    public static final long CQ_ENTRIES = 4;
    public static final long FLAGS = 8;
    public static final long SQ_THREAD_CPU = 12;
    public static final long SQ_THREAD_IDLE = 16;
    public static final long FEATURES = 20;
    public static final long WQ_FD = 24;
    public static final long SQ_OFF = 40;
    public static final long CQ_OFF = 80;

    /** Offsets inside {@code io_sqring_offsets}. */
    public static final long SQ_OFF_HEAD = 0;
    public static final long SQ_OFF_TAIL = 4;
    public static final long SQ_OFF_RING_MASK = 8;
    public static final long SQ_OFF_RING_ENTRIES = 12;
    public static final long SQ_OFF_FLAGS = 16;
    public static final long SQ_OFF_DROPPED = 20;
    public static final long SQ_OFF_ARRAY = 24;

    /** Offsets inside {@code io_cqring_offsets}. */
    public static final long CQ_OFF_HEAD = 0;
    public static final long CQ_OFF_TAIL = 4;
    public static final long CQ_OFF_RING_MASK = 8;
    public static final long CQ_OFF_RING_ENTRIES = 12;
    public static final long CQ_OFF_OVERFLOW = 16;
    public static final long CQ_OFF_CQES = 20;
    public static final long CQ_OFF_FLAGS = 24;

    private ParamsDescriptor() {
    }
}
