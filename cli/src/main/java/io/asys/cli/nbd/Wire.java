package io.asys.cli.nbd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The NBD messages' byte layouts (all fields big-endian, unaligned) and their encoders.
 * Stateless; callers own the segments.
 *
 * <pre>
 * request (28 bytes)           simple reply (16)        structured chunk header (20)
 *  0 u32 magic 0x25609513        0 u32 magic 0x67446698   0 u32 magic 0x668e33ef
 *  4 u16 command flags           4 u32 error              4 u16 flags (DONE = 1)
 *  6 u16 type                    8 u64 cookie             6 u16 type
 *  8 u64 cookie                                           8 u64 cookie
 * 16 u64 offset                                          16 u32 payload length
 * 24 u32 length
 *
 * option request (16 + data)     option reply (20 + data)
 *  0 u64 IHAVEOPT                0 u64 0x3e889045565a9
 *  8 u32 option                  8 u32 option
 * 12 u32 data length            12 u32 reply type
 *                               16 u32 data length
 * </pre>
 */
final class Wire {
    private Wire() {
    }

    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    static final int REQUEST_SIZE = 28;
    static final int REQUEST_MAGIC = 0;
    static final int REQUEST_FLAGS = 4;
    static final int REQUEST_TYPE = 6;
    static final int REQUEST_COOKIE = 8;
    static final int REQUEST_OFFSET = 16;
    static final int REQUEST_LENGTH = 24;

    static final int SIMPLE_REPLY_SIZE = 16;
    static final int CHUNK_HEADER_SIZE = 20;
    /** A structured OFFSET_DATA chunk: header plus the 64-bit offset before the data. */
    static final int OFFSET_DATA_PREFIX = CHUNK_HEADER_SIZE + 8;

    static final int OPTION_HEADER_SIZE = 16;
    static final int OPTION_REPLY_HEADER_SIZE = 20;

    static int u16(MemorySegment s, long at) {
        return Short.toUnsignedInt(s.get(U16, at));
    }

    static long u32(MemorySegment s, long at) {
        return Integer.toUnsignedLong(s.get(U32, at));
    }

    static long u64(MemorySegment s, long at) {
        return s.get(U64, at);
    }

    /** Writes a simple reply at {@code at}; returns its size. */
    static int simpleReply(MemorySegment s, long at, int error, long cookie) {
        s.set(U32, at, Nbd.SIMPLE_REPLY_MAGIC);
        s.set(U32, at + 4, error);
        s.set(U64, at + 8, cookie);
        return SIMPLE_REPLY_SIZE;
    }

    /** Writes a structured chunk header at {@code at}; returns its size. */
    static int chunkHeader(MemorySegment s, long at, int flags, int type, long cookie, int length) {
        s.set(U32, at, Nbd.STRUCTURED_REPLY_MAGIC);
        s.set(U16, at + 4, (short) flags);
        s.set(U16, at + 6, (short) type);
        s.set(U64, at + 8, cookie);
        s.set(U32, at + 16, length);
        return CHUNK_HEADER_SIZE;
    }

    /** Writes an option reply header at {@code at}; returns its size. */
    static int optionReply(MemorySegment s, long at, int option, int type, int length) {
        s.set(U64, at, Nbd.OPTION_REPLY_MAGIC);
        s.set(U32, at + 8, option);
        s.set(U32, at + 12, type);
        s.set(U32, at + 16, length);
        return OPTION_REPLY_HEADER_SIZE;
    }
}
