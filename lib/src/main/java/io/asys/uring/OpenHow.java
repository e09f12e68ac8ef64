package io.asys.uring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A {@code struct open_how} for openat2(2): {@code flags} (u64), {@code mode} (u64),
 * {@code resolve} (u64, RESOLVE_* flags), 24 bytes. Immutable once built.
 */
public final class OpenHow {
    public static final int SIZE = 24;
    public static final long RESOLVE_NO_XDEV = 0x01;
    public static final long RESOLVE_NO_MAGICLINKS = 0x02;
    public static final long RESOLVE_NO_SYMLINKS = 0x04;
    public static final long RESOLVE_BENEATH = 0x08;
    public static final long RESOLVE_IN_ROOT = 0x10;
    public static final long RESOLVE_CACHED = 0x20;

    private final MemorySegment how = Arena.ofAuto().allocate(SIZE, 8);

    public OpenHow(long flags, long mode, long resolve) {
        how.set(ValueLayout.JAVA_LONG, 0, flags);
        how.set(ValueLayout.JAVA_LONG, 8, mode);
        how.set(ValueLayout.JAVA_LONG, 16, resolve);
    }

    long address() {
        return how.address();
    }
}
