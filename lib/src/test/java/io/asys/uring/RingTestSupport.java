package io.asys.uring;

import io.asys.ErrnoException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Helpers shared by the ring tests: skip cleanly without io_uring, collect completions. */
final class RingTestSupport {
    private RingTestSupport() {
    }

    static IoUring openRing(IoUringConfig config) throws ErrnoException {
        assumeTrue(IoUringSupport.isAvailable(), () -> "io_uring unavailable: " + IoUringSupport.unavailabilityCause());
        return IoUring.open(config);
    }

    static IoUring openRing() throws ErrnoException {
        return openRing(IoUringConfig.defaults().withEntries(64));
    }

    record Completion(long userData, int res, int flags) {
    }

    /** Collects every completion it is handed. */
    static final class Collector implements CompletionHandler {
        final List<Completion> completions = new ArrayList<>();

        @Override
        public void onCompletion(long userData, int res, int flags) {
            completions.add(new Completion(userData, res, flags));
        }

        Completion only() {
            if (completions.size() != 1) {
                throw new AssertionError("expected one completion, got " + completions);
            }
            return completions.get(0);
        }
    }

    /** Submits, waits for {@code n} completions and returns them. */
    static Collector submitAndCollect(IoUring ring, int n) {
        Collector c = new Collector();
        while (c.completions.size() < n) {
            int ret = ring.submitAndWait(1);
            if (ret < 0) {
                throw new AssertionError("io_uring_enter failed: " + io.asys.Errno.describe(ret));
            }
            ring.reap(c);
        }
        return c;
    }

    /** Submits what was prepared, waits for the one completion and returns its result. */
    static int submitOne(IoUring ring) {
        return submitAndCollect(ring, 1).only().res();
    }

    /** {@code size} bytes whose value depends on position and {@code seed}, so misplaced data shows. */
    static byte[] pattern(int size, int seed) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + seed * 7 + (i >>> 8));
        }
        return b;
    }

    /** A native copy of {@code bytes} in {@code arena}. */
    static MemorySegment nativeCopy(Arena arena, byte[] bytes) {
        MemorySegment s = arena.allocate(Math.max(1, bytes.length), 8).asSlice(0, bytes.length);
        MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return s;
    }
}
