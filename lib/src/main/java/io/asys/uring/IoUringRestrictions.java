package io.asys.uring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static io.asys.uring.IoUringAbi.IORING_RESTRICTION_REGISTER_OP;
import static io.asys.uring.IoUringAbi.IORING_RESTRICTION_SQE_FLAGS_ALLOWED;
import static io.asys.uring.IoUringAbi.IORING_RESTRICTION_SQE_FLAGS_REQUIRED;
import static io.asys.uring.IoUringAbi.IORING_RESTRICTION_SQE_OP;

/**
 * What a restricted ring may do (IORING_REGISTER_RESTRICTIONS): the opcodes, register
 * operations and SQE flags allowed, and the SQE flags required. Everything else is refused by
 * the kernel once the ring is enabled. A builder, not thread-safe; see {@link IoUring#openDisabled}.
 *
 * <pre>
 * struct io_uring_restriction (16 bytes)
 *   0  u16 opcode        IORING_RESTRICTION_*
 *   2  u8  register_op | sqe_op | sqe_flags
 *   3  u8  resv
 *   4  u32 resv2[3]
 * </pre>
 */
public final class IoUringRestrictions {
    static final int SIZE = 16;
    private final List<int[]> entries = new ArrayList<>();

    /** Allows SQEs with opcode {@code op} (an {@code IORING_OP_*}). */
    public IoUringRestrictions allowOp(int op) {
        return add(IORING_RESTRICTION_SQE_OP, op);
    }

    /** Allows the io_uring_register operation {@code op} (an {@code IORING_REGISTER_*}). */
    public IoUringRestrictions allowRegister(int op) {
        return add(IORING_RESTRICTION_REGISTER_OP, op);
    }

    /** Allows these SQE flags ({@code IOSQE_*}); without this, only required flags may be set. */
    public IoUringRestrictions allowSqeFlags(int flags) {
        return add(IORING_RESTRICTION_SQE_FLAGS_ALLOWED, flags);
    }

    /** Requires these SQE flags on every SQE (e.g. IOSQE_FIXED_FILE: only registered files). */
    public IoUringRestrictions requireSqeFlags(int flags) {
        return add(IORING_RESTRICTION_SQE_FLAGS_REQUIRED, flags);
    }

    private IoUringRestrictions add(int opcode, int value) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException("a restriction's value is one byte, not " + value);
        }
        entries.add(new int[] {opcode, value});
        return this;
    }

    int count() {
        return entries.size();
    }

    MemorySegment encode(Arena arena) {
        MemorySegment array = arena.allocate((long) SIZE * Math.max(1, entries.size()), 8);
        for (int i = 0; i < entries.size(); i++) {
            long at = (long) SIZE * i;
            array.set(ValueLayout.JAVA_SHORT, at, (short) entries.get(i)[0]);
            array.set(ValueLayout.JAVA_BYTE, at + 2, (byte) entries.get(i)[1]);
        }
        return array;
    }
}
