package io.asys.internal.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code mincore(2)} over a mapped range: whether each page is in memory and up to date, one
 * byte per page in a vector this class owns and bounds. Unlike {@code cachestat(2)}, a page whose
 * read from the disk is still in flight (readahead just started) does not count. Single-owner:
 * each thread has its own.
 */
public final class Residency {
    /** Pages asked about per call: the vector's size, so a large range is walked in steps. */
    static final int PAGES_PER_CALL = 8192;
    private static final long EVERY_BYTE_RESIDENT = 0x0101010101010101L;
    private static final int EINVAL = 22;

    private final Syscall sys;
    private final MemorySegment vector = Arena.ofAuto().allocate(PAGES_PER_CALL, 8);

    public Residency(Syscall sys) {
        this.sys = sys;
    }

    /**
     * 1 if every page that {@code [address, address + length)} touches is resident, 0 if one is
     * not, or {@code -errno} (ENOMEM: part of the range is not mapped; EINVAL: a range past the
     * end of the address space, or pages larger than 4 KiB, where this fails safe). The caller
     * owns the range (a live mapping); the kernel only reads its page tables and writes this
     * class's vector.
     */
    public int allResident(long address, long length) {
        long start = address & -CacheStat.PAGE;
        long pages = CacheStat.pagesSpanned(address, length);
        if (length < 0 || pages < 0) {
            return -EINVAL;
        }
        while (pages > 0) {
            int n = (int) Math.min(pages, PAGES_PER_CALL);
            long res = sys.call(SyscallNumbers.MINCORE, start, n * CacheStat.PAGE, vector.address(), 0, 0, 0);
            if (res < 0) {
                return (int) res;
            }
            if (!everyPageResident(n)) {
                return 0;
            }
            start += n * CacheStat.PAGE;
            pages -= n;
        }
        return 1;
    }

    /** Whether the low bit (resident) of each of the first {@code n} bytes of the vector is set. */
    private boolean everyPageResident(int n) {
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            if ((vector.get(ValueLayout.JAVA_LONG_UNALIGNED, i) & EVERY_BYTE_RESIDENT) != EVERY_BYTE_RESIDENT) {
                return false;
            }
        }
        for (; i < n; i++) {
            if ((vector.get(ValueLayout.JAVA_BYTE, i) & 1) == 0) {
                return false;
            }
        }
        return true;
    }
}
