package io.asys.internal.uring;

/**
 * Layout of {@code struct io_uring_sqe} (64 bytes), one submission queue entry.
 * <pre>
 *  0        1        2                 4                                 8
 *  +--------+--------+-----------------+---------------------------------+
 *  | opcode | flags  |     ioprio      |               fd                |
 *  +--------+--------+-----------------+---------------------------------+
 *  8  off | addr2 (file offset, or a second address)                    16
 * 16  addr | splice_off_in (buffer, iovec array or path)                24
 * 24  len (bytes, iovec count)         | 28 op flags (rw_flags, fsync_flags, ...)
 * 32  user_data (returned in the CQE)                                   40
 * 40  buf_index | buf_group (u16) | 42 personality (u16) | 44 splice_fd_in | file_index (s32)
 * 48  addr3                                                             56
 * 56  reserved                                                          64
 * </pre>
 */
public final class SqeDescriptor {
    public static final int SIZE = 64;

    public static final long OPCODE = 0;
    public static final long FLAGS = 1;
    public static final long IOPRIO = 2;
    public static final long FD = 4;
    public static final long OFF = 8;
    public static final long ADDR = 16;
    public static final long LEN = 24;
    public static final long OP_FLAGS = 28;
    public static final long USER_DATA = 32;
    public static final long BUF_INDEX = 40;
    public static final long PERSONALITY = 42;
    public static final long FILE_INDEX = 44;
    public static final long ADDR3 = 48;
    public static final long PAD2 = 56;

    private SqeDescriptor() {
    }
}
