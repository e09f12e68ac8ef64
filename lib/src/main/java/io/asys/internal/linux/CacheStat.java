package io.asys.internal.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code cachestat(2)} (Linux 6.5) over a byte range of a file, and the counts it returned: the
 * one place its structs are laid out. Single-owner: each thread (or engine) has its own.
 */
public final class CacheStat {
    public static final long PAGE = 4096;

    private final Syscall sys;
    /** struct cachestat_range {off, len} at 0, struct cachestat (five counts) at 16. */
    private final MemorySegment scratch = Arena.ofAuto().allocate(56, 8);

    public CacheStat(Syscall sys) {
        this.sys = sys;
    }

    /** Pages of {@link #PAGE} bytes that bytes {@code [offset, offset + length)} touch. */
    public static long pagesSpanned(long offset, long length) {
        return length == 0 ? 0 : (offset + length + PAGE - 1) / PAGE - offset / PAGE;
    }

    /**
     * Looks up {@code length} bytes at {@code offset} of {@code fd} (length 0: to the end of the
     * file): 0, after which the counts below hold, or {@code -errno}. An ordinary downcall: the
     * call does not sleep, but its walk grows with the range, so the JVM may reach a safepoint.
     */
    public int query(int fd, long offset, long length) {
        scratch.set(ValueLayout.JAVA_LONG, 0, offset);
        scratch.set(ValueLayout.JAVA_LONG, 8, length);
        return (int) sys.call(SyscallNumbers.CACHESTAT, fd, scratch.address(), scratch.address() + 16, 0, 0, 0);
    }

    /** Pages in the cache, dirty and under writeback included. */
    public long cached() {
        return scratch.get(ValueLayout.JAVA_LONG, 16);
    }

    public long dirty() {
        return scratch.get(ValueLayout.JAVA_LONG, 24);
    }

    public long writeback() {
        return scratch.get(ValueLayout.JAVA_LONG, 32);
    }

    public long evicted() {
        return scratch.get(ValueLayout.JAVA_LONG, 40);
    }

    public long recentlyEvicted() {
        return scratch.get(ValueLayout.JAVA_LONG, 48);
    }
}
