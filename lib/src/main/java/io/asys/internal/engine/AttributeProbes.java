package io.asys.internal.engine;

import io.asys.CacheResult;
import io.asys.Errno;
import io.asys.Op;
import io.asys.internal.linux.CacheStat;
import io.asys.internal.linux.Syscall;
import io.asys.internal.linux.SyscallNumbers;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The measurements behind the CACHE and CPU attributes, for one thread: the kernel's
 * {@code cachestat} (Linux 6.5+) over a read's range, and the thread's CPU clock. Not thread-safe.
 */
public final class AttributeProbes {
    private static final int CLOCK_THREAD_CPUTIME_ID = 3;

    private final Syscall sys = new Syscall();
    private final CacheStat cache = new CacheStat(sys);
    /** struct timespec of the thread's CPU clock. */
    private final MemorySegment timespec = Arena.ofAuto().allocate(16, 8);

    /** The file and range a read covers, or null for an operation that is not a read. */
    public static long[] readRange(Op<?> op) {
        return switch (op) {
            case Op.Read r -> new long[] {r.handle().fd(), r.offset(), r.buffer().byteSize()};
            case Op.Readv r -> new long[] {r.handle().fd(), r.offset(), r.buffers().totalLength()};
            default -> null;
        };
    }

    /** How a cache result was found, in the code's second byte. */
    public static final int METHOD_NOWAIT = 1;
    public static final int METHOD_CACHESTAT = 2;
    public static final int METHOD_DIRECT = 3;
    /** Codes for no cache result: not a read, or a read at the file position (no range). -errno: cachestat failed. */
    public static final int NOT_A_READ = -10_000;
    public static final int NO_RANGE = -10_001;
    private static final String[] METHODS = {null, "rwf_nowait", "cachestat", "o_direct"};

    /** A cache code ({@code method << 8 | CacheResult ordinal}). */
    public static int code(int method, CacheResult result) {
        return method << 8 | result.ordinal();
    }

    /** Fills the request's cache attribute from cachestat, or says why it cannot. */
    public void cacheByCachestat(Request<?> r) {
        applyCache(r, cacheCode(r.op));
    }

    /** The cache code of a read by cachestat (O_DIRECT: a miss by definition), or why there is none. */
    public int cacheCode(Op<?> op) {
        long[] range = readRange(op);
        if (range == null) {
            return NOT_A_READ;
        }
        if (op.handle().isDirectIo()) {
            return code(METHOD_DIRECT, CacheResult.MISS);
        }
        if (range[1] < 0) {
            return NO_RANGE;
        }
        int res = cachestat((int) range[0], range[1], range[2]);
        return res < 0 ? res : code(METHOD_CACHESTAT, CacheResult.values()[res]);
    }

    /** Decodes a cache code into the request's CACHE fields. */
    public static void applyCache(Request<?> r, long code) {
        if (code >= 0) {
            r.measured.cache = (int) (code & 0xFF);
            r.measured.cacheMethod = METHODS[(int) (code >> 8)];
        } else if (code == NOT_A_READ) {
            r.measured.cacheUnsupported = "only reads have a cache result (" + r.op.name() + ")";
        } else if (code == NO_RANGE) {
            r.measured.cacheUnsupported = "a read at the file position has no range to look up";
        } else {
            r.measured.cacheUnsupported = "cachestat failed: " + Errno.describe((int) code)
                    + (code == -Errno.ENOSYS ? " (the kernel predates 6.5)" : "");
        }
    }

    /** A {@link CacheResult} ordinal for {@code length} bytes at {@code offset}, or -errno. */
    int cachestat(int fd, long offset, long length) {
        long pages = CacheStat.pagesSpanned(offset, length);
        int res = cache.query(fd, offset, Math.max(length, 1));
        if (res < 0) {
            return res;
        }
        long cached = cache.cached();
        return (cached >= pages ? CacheResult.HIT : cached == 0 ? CacheResult.MISS : CacheResult.PARTIAL).ordinal();
    }

    /** This thread's CPU time in nanoseconds (CLOCK_THREAD_CPUTIME_ID). */
    public long threadCpuNanos() {
        sys.call(SyscallNumbers.CLOCK_GETTIME, CLOCK_THREAD_CPUTIME_ID, timespec.address(), 0, 0, 0, 0);
        return timespec.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L + timespec.get(ValueLayout.JAVA_LONG, 8);
    }
}
