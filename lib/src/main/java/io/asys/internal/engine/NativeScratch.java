package io.asys.internal.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Native memory an engine owns for one in-flight operation (an io_uring slot, or a worker
 * thread): room for two paths and a {@code struct statx}. Reused by the next operation only after
 * this one completed, so nothing is allocated per operation. Not thread-safe.
 */
public final class NativeScratch {
    private static final int PATH_ROOM = 4096;
    private static final int STATX_SIZE = 256;

    private final MemorySegment statx;
    private final MemorySegment openHow;
    private final MemorySegment[] paths = new MemorySegment[2];

    public NativeScratch() {
        Arena arena = Arena.ofAuto();
        this.statx = arena.allocate(STATX_SIZE, 8);
        this.openHow = arena.allocate(24, 8);
        this.paths[0] = arena.allocate(PATH_ROOM);
        this.paths[1] = arena.allocate(PATH_ROOM);
    }

    /** Copies NUL-terminated path bytes into path buffer {@code which} (0 or 1), growing it if needed. */
    public MemorySegment path(int which, byte[] cPath) {
        MemorySegment room = paths[which];
        if (room.byteSize() < cPath.length) {
            room = Arena.ofAuto().allocate(cPath.length);
            paths[which] = room;
        }
        MemorySegment.copy(cPath, 0, room, ValueLayout.JAVA_BYTE, 0, cPath.length);
        return room.asSlice(0, cPath.length);
    }

    /** A {@code struct open_how} filled with flags, mode and resolve. */
    public MemorySegment openHow(long flags, long mode, long resolve) {
        openHow.set(ValueLayout.JAVA_LONG, 0, flags);
        openHow.set(ValueLayout.JAVA_LONG, 8, mode);
        openHow.set(ValueLayout.JAVA_LONG, 16, resolve);
        return openHow;
    }

    /** The {@code struct statx} buffer. */
    public MemorySegment statx() {
        return statx;
    }
}
