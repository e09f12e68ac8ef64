package io.asys.internal.workers;

/**
 * Layout of the worker engine's completion ring (Kent Overstreet's design for the new AIO ABI):
 * a byte ring of variable-length records and a header of free-running 32-bit counters, each on
 * its own cache line.
 * <pre>
 * header (256 bytes):
 *   0  head  (u32)  consumer: bytes consumed so far, free-running; written only by the consumer
 *  64  tail  (u32)  producers: bytes claimed so far, free-running; advanced by CAS
 * 128  waiting (u32) 1 while the consumer sleeps on the eventfd
 *
 * data (capacity bytes, a power of two): records, each 8-byte aligned, never split at the end:
 *   0  length (s32)  total bytes of the record; written last, with release (the commit);
 *                    0 = not committed yet (the consumer zeroes what it consumed)
 *   4  type   (s32)  RECORD or PADDING (PADDING fills the end of the ring before a wrap)
 *   8  user_data (s64)
 *  16  res    (s32)  >= 0 success, -errno failure
 *  20  attr_count (s32)
 *  24  attributes: attr_count entries of 16 bytes: id (s32), status (s32), value (s64)
 * </pre>
 * A position is {@code counter & (capacity - 1)}; differences of counters are exact as long as
 * the capacity is at most 2^30, so lockless reaping has no ABA problem.
 */
public final class CompletionRingDescriptor {
    public static final int HEADER_SIZE = 256;
    public static final long HEAD = 0;
    public static final long TAIL = 64;
    public static final long WAITING = 128;

    public static final int RECORD_ALIGNMENT = 8;
    public static final long LENGTH = 0;
    public static final long TYPE = 4;
    public static final long USER_DATA = 8;
    public static final long RES = 16;
    public static final long ATTR_COUNT = 20;
    public static final long ATTRS = 24;
    public static final int ATTR_SIZE = 16;
    public static final long ATTR_ID = 0;
    public static final long ATTR_STATUS = 4;
    public static final long ATTR_VALUE = 8;

    public static final int TYPE_RECORD = 1;
    public static final int TYPE_PADDING = 2;

    public static final int MAX_CAPACITY = 1 << 30;

    private CompletionRingDescriptor() {
    }

    /** Bytes a record with {@code attrCount} attributes takes, aligned. */
    public static int recordLength(int attrCount) {
        int raw = (int) ATTRS + ATTR_SIZE * attrCount;
        return (raw + RECORD_ALIGNMENT - 1) & -RECORD_ALIGNMENT;
    }
}
