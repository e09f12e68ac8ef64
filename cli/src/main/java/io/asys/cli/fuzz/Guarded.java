package io.asys.cli.fuzz;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A native buffer with guard bytes on both sides and a known fill: after the operation completed,
 * the guards must be intact, a read must have changed only its first {@code n} bytes, and the
 * snapshot taken then must stay the same later (nothing touches a buffer after its completion).
 */
final class Guarded {
    private static final byte GUARD = (byte) 0xA5;
    static final byte FILL = (byte) 0x5A;

    private final MemorySegment whole;
    private final long guard;
    /** The slice the operation sees. */
    final MemorySegment buffer;
    private byte[] snapshot;

    /** {@code guard} bytes each side; {@code guard} sets the buffer's alignment (4096 for O_DIRECT). */
    Guarded(long size, long guard, byte[] content) {
        this.guard = guard;
        this.whole = Arena.ofAuto().allocate(size + 2 * guard, 4096);
        whole.fill(GUARD);
        buffer = whole.asSlice(guard, size);
        if (content != null) {
            MemorySegment.copy(content, 0, buffer, ValueLayout.JAVA_BYTE, 0, (int) size);
        } else {
            buffer.fill(FILL);
        }
    }

    long size() {
        return buffer.byteSize();
    }

    long alignmentOffset() {
        return guard;
    }

    /** Null if the guards hold and a read of {@code n} bytes left the rest of the fill alone, else what broke. */
    String checkAfter(long n, boolean read) {
        String g = guards();
        if (g != null) {
            return g;
        }
        if (read && n >= 0) {
            for (long i = Math.max(0, n); i < buffer.byteSize(); i++) {
                if (buffer.get(ValueLayout.JAVA_BYTE, i) != FILL) {
                    return "byte " + i + " written past the " + n + " bytes read";
                }
            }
        }
        snapshot = buffer.toArray(ValueLayout.JAVA_BYTE);
        return null;
    }

    /** Null if the buffer is as it was at completion, else what changed. */
    String recheck() {
        String g = guards();
        if (g != null) {
            return g;
        }
        if (snapshot != null && !java.util.Arrays.equals(snapshot, buffer.toArray(ValueLayout.JAVA_BYTE))) {
            return "buffer changed after its completion";
        }
        return null;
    }

    private String guards() {
        for (long i = 0; i < guard; i++) {
            if (whole.get(ValueLayout.JAVA_BYTE, i) != GUARD) {
                return "guard byte " + (i - guard) + " before the buffer overwritten";
            }
            if (whole.get(ValueLayout.JAVA_BYTE, guard + buffer.byteSize() + i) != GUARD) {
                return "guard byte " + i + " after the buffer overwritten";
            }
        }
        return null;
    }
}
