package io.asys;

import io.asys.internal.linux.CacheStat;
import io.asys.internal.linux.FdStatus;
import io.asys.internal.linux.LibC;
import io.asys.internal.linux.Residency;
import io.asys.internal.linux.Syscall;
import io.asys.internal.linux.SyscallNumbers;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A file's pages in the page cache, without reading them: how many of a range are cached
 * ({@code cachestat(2)}), and a read-only mapping of the file, so a send can take the data
 * straight from the cached pages (one copy, into the socket) instead of a read into a buffer
 * and a send from there (two). Every call runs on the calling thread; only {@link #populate}
 * can wait for the disk.
 *
 * <p>A send from a mapping copies in the kernel; a page it finds missing there is read from the
 * disk on the spot, blocking that send's thread, so check {@link #isResident} first (or
 * {@link #isCached}, which also counts pages whose read is still in flight). Reading the
 * mapping from Java is safe while the file is at least that long; past the end of a file that
 * shrank it is a memory fault, where a send over such a page fails with {@code EFAULT}: a server
 * whose files may change under it hands the mapping only to the kernel.
 */
public final class PageCache {
    private static final int PROT_READ = 1;
    private static final int MAP_SHARED = 1;
    private static final int MADV_POPULATE_READ = 22;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private PageCache() {
    }

    /**
     * Page counts of a range of a file, as {@code cachestat(2)} gives them: pages in the cache
     * (dirty and under writeback included), dirty, under writeback, evicted, and evicted
     * recently (still in the working set).
     */
    public record Stat(long cached, long dirty, long writeback, long evicted, long recentlyEvicted) {
    }

    /**
     * The page cache's counts for {@code length} bytes of {@code file} at {@code offset}
     * ({@code length} 0: to the end of the file).
     *
     * @throws ErrnoException ENOSYS before Linux 6.5, EPERM for a file the caller may not write,
     *         EBADF for a closed handle
     */
    public static Stat stat(FileHandle file, long offset, long length) throws ErrnoException {
        checkRange(offset, length);
        if (!file.acquire()) {
            throw new ErrnoException("cachestat", file.path(), -Errno.EBADF);
        }
        try {
            CacheStat c = SCRATCH.get().cache;
            int res = c.query(file.fd(), offset, length);
            if (res < 0) {
                throw new ErrnoException("cachestat", file.path(), res);
            }
            return new Stat(c.cached(), c.dirty(), c.writeback(), c.evicted(), c.recentlyEvicted());
        } finally {
            file.release();
        }
    }

    /**
     * Whether every page of the range is in the page cache, so a read or a send from a mapping
     * will not wait for the disk. {@code false} also when the kernel cannot tell (no
     * {@code cachestat}, not permitted, closed handle): the caller then takes its ordinary path.
     */
    public static boolean isCached(FileHandle file, long offset, long length) {
        checkRange(offset, length);
        if (length == 0) {
            return true;
        }
        try {
            return stat(file, offset, length).cached() >= pagesSpanned(offset, length);
        } catch (ErrnoException e) {
            return false;
        }
    }

    /**
     * Whether every page of the range is in the page cache and none is dirty or under writeback:
     * data that is not about to be written back. (A send from a mapping does not need this: dirty
     * pages are the newest data, and the NBD server sends them too, docs/nbd.md.) {@code false}
     * also when the kernel cannot tell.
     */
    public static boolean isCleanAndCached(FileHandle file, long offset, long length) {
        checkRange(offset, length);
        if (length == 0) {
            return true;
        }
        try {
            Stat s = stat(file, offset, length);
            return s.cached() >= pagesSpanned(offset, length) && s.dirty() == 0 && s.writeback() == 0;
        } catch (ErrnoException e) {
            return false;
        }
    }

    /** Pages of 4 KiB that bytes {@code [offset, offset + length)} touch. */
    static long pagesSpanned(long offset, long length) {
        return CacheStat.pagesSpanned(offset, length);
    }

    /**
     * Maps the first {@code length} bytes of {@code file} read-only and shared (the page cache's
     * own pages; a block device works too). The mapping lives as long as the segment (or a slice
     * of it) is reachable: asys keeps the buffer of every operation in flight reachable, so it is
     * never unmapped under a send. Pages are mapped as they are first used.
     *
     * @throws ErrnoException the mmap's errno (ENODEV: a file that cannot be mapped, EACCES: not
     *         open for reading), with the file's path
     */
    public static MemorySegment map(FileHandle file, long length) throws ErrnoException {
        if (length <= 0) {
            throw new IllegalArgumentException("mapping length must be positive: " + length);
        }
        if (!file.acquire()) {
            throw new ErrnoException("mmap", file.path(), -Errno.EBADF);
        }
        long address;
        try {
            address = new LibC().mmap(length, PROT_READ, MAP_SHARED, file.fd(), 0);
        } finally {
            file.release();
        }
        if (address < 0) {
            throw new ErrnoException("mmap", file.path(), (int) address);
        }
        return LibC.mappedSegment(address, length, Arena.ofAuto(), () -> new LibC().munmap(address, length)).asReadOnly();
    }

    /**
     * Maps the pages of {@code region} (a slice of a segment from {@link #map}) into the process
     * now, in one call, instead of one fault per few pages inside the sends that use it
     * ({@code madvise(MADV_POPULATE_READ)}, Linux 5.14). A page not in the cache is read from the
     * disk first, blocking this thread: populate only what {@link #isResident} said is resident.
     *
     * @throws ErrnoException EFAULT past the end of the file, ENOMEM for memory not mapped at all
     */
    public static void populate(MemorySegment region) throws ErrnoException {
        if (!region.isNative() || region.byteSize() == 0) {
            throw new IllegalArgumentException("not a native region: " + region);
        }
        long start = region.address() & -4096L;
        long end = region.address() + region.byteSize();
        long res = SCRATCH.get().sys.call(SyscallNumbers.MADVISE, start, end - start, MADV_POPULATE_READ, 0, 0, 0);
        java.lang.ref.Reference.reachabilityFence(region);
        if (res < 0) {
            throw new ErrnoException("madvise(MADV_POPULATE_READ)", null, (int) res);
        }
    }

    /**
     * Whether every page of {@code region} (a slice of a segment from {@link #map}) is in memory
     * and up to date, so a send from it will not wait for the disk ({@code mincore(2)}). Stricter
     * than {@link #isCached}: a page whose read is still in flight (readahead just started) is in
     * the cache, and counted there, but not resident here, and a send from it would wait for that
     * read on its thread. Needs no {@code cachestat}. About 1.5 µs per MiB for pages already
     * mapped, 6 to 10 for pages not yet mapped (Linux 6.18, this project's 2-CPU test machine).
     * {@code false} past the end of a file that shrank, and when the kernel cannot tell (part of
     * the region not mapped). Never blocks on the disk.
     *
     * <p>The kernel tells the truth only about files the caller owns or may write (or with
     * CAP_FOWNER); for any other file's mapping it reports every page resident. Check
     * {@link #isResidencyVisible} once for the file before relying on this.
     *
     * @throws IllegalArgumentException for a region that is not native memory
     */
    public static boolean isResident(MemorySegment region) {
        if (!region.isNative()) {
            throw new IllegalArgumentException("not a native region: " + region);
        }
        if (region.byteSize() == 0) {
            return true;
        }
        int res = SCRATCH.get().residency.allResident(region.address(), region.byteSize());
        java.lang.ref.Reference.reachabilityFence(region);
        return res == 1;
    }

    /**
     * Whether {@link #isResident} tells the truth for mappings of {@code file}. The kernel shows
     * which pages of a file are resident only to a caller that owns the file, may write it, or
     * has CAP_FOWNER; to any other, {@code mincore} reports every page resident (a side channel
     * closed, Linux 5.0). {@code cachestat} applies the same rule but fails with EPERM instead, so
     * it is asked first; before Linux 6.5 (no cachestat) the answer is whether the handle is open
     * for writing. {@code false} for a closed handle.
     */
    public static boolean isResidencyVisible(FileHandle file) {
        try {
            stat(file, 0, 1);
            return true;
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ENOSYS) {
                return false;
            }
        }
        if (!file.acquire()) {
            return false;
        }
        try {
            int flags = FdStatus.flags(file.fd());
            return flags >= 0 && (flags & FdStatus.O_ACCMODE) != FdStatus.O_RDONLY;
        } finally {
            file.release();
        }
    }

    private static void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length < 0) {
            throw new IllegalArgumentException("bad range: offset " + offset + ", length " + length);
        }
    }

    /** One per thread: cachestat's structs, mincore's vector, and the call for populate. */
    private static final class Scratch {
        final Syscall sys = new Syscall();
        final CacheStat cache = new CacheStat(sys);
        final Residency residency = new Residency(sys);
    }
}
