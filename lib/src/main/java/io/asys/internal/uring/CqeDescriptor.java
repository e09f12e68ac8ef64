package io.asys.internal.uring;

/**
 * Layout of {@code struct io_uring_cqe} (16 bytes), one completion queue entry.
 * <pre>
 *  0                                   8                 12                16
 *  +-----------------------------------+-----------------+-----------------+
 *  |            user_data              |  res (s32)      |  flags (u32)    |
 *  +-----------------------------------+-----------------+-----------------+
 * </pre>
 */
public final class CqeDescriptor {
    public static final int SIZE = 16;

    public static final long USER_DATA = 0;
    public static final long RES = 8;
    public static final long FLAGS = 12;

    private CqeDescriptor() {
    }
}
