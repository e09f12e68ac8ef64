package io.asys.cli.nbd;

import io.asys.Asys;
import io.asys.Errno;
import io.asys.ErrnoException;
import io.asys.Errors;
import io.asys.FileDescriptors;
import io.asys.FileHandle;
import io.asys.PageCache;
import io.asys.RawCall;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The exported file or block device and its disk operations, each asynchronous through asys:
 * reads and writes looped until whole, FLUSH as fsync, TRIM as a punched hole, WRITE_ZEROES as a
 * punched hole or zeroed range (zeroes written when the file system has neither), CACHE as
 * readahead advice. Futures complete with 0 or fail with the errno's exception. Thread-safe.
 */
final class Export {
    static final int FALLOC_FL_KEEP_SIZE = 0x01;
    static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    static final int FALLOC_FL_ZERO_RANGE = 0x10;
    static final int POSIX_FADV_WILLNEED = 3;
    /** Largest request payload: the maximum block size advertised. */
    static final int MAX_PAYLOAD = 32 << 20;
    static final int DIRECT_BLOCK = 4096;
    private static final int SEEK_END = 2;
    private static final MemorySegment ZEROES = Arena.global().allocate(1 << 20, 4096);

    /** The engine of flush, trim, zeroes and cache, and the first of {@link #large}. */
    final Asys asys;
    /** The engines of large reads, taken in turn: their threads copy at the same time. */
    private final Asys[] large;
    private final java.util.concurrent.atomic.AtomicInteger turn = new java.util.concurrent.atomic.AtomicInteger();
    /** The engine of small reads and of every write: the network's, so a 4 KiB request needs no hand-off between threads. */
    final Asys small;
    final FileHandle file;
    final String name;
    final String description;
    final long size;
    final boolean readOnly;
    final boolean direct;
    /** The whole export mapped read-only (the page cache's own pages), once mapped reads were first turned on; else null. */
    private MemorySegment mapping;
    /** {@link #mapping} while mapped reads are on, else null: large reads of cached data are sent from here. */
    private volatile MemorySegment mapped;
    /** Reads answered from the mapped export so far. */
    final java.util.concurrent.atomic.LongAdder readsFromCache = new java.util.concurrent.atomic.LongAdder();

    private Export(Asys small, Asys[] large, FileHandle file, String name, String description, long size, boolean readOnly, boolean direct) {
        this.small = small;
        this.large = large.clone();
        this.asys = large[0];
        this.file = file;
        this.name = name;
        this.description = description;
        this.size = size;
        this.readOnly = readOnly;
        this.direct = direct;
    }

    /** Opens {@code path} through asys and finds its size (lseek to the end works for files and block devices). */
    static Export open(Asys small, Asys[] large, Path path, String name, boolean readOnly, boolean direct) throws java.io.IOException {
        Asys asys = large[0];
        int flags = (readOnly ? FileDescriptors.O_RDONLY : FileDescriptors.O_RDWR) | (direct ? FileDescriptors.O_DIRECT : 0);
        FileHandle f = join(asys.open(path, flags, 0));
        long size = join(asys.syscall(RawCall.of("lseek").arg(f.fd()).arg(0).arg(SEEK_END)));
        return new Export(small, large, f, name, "asys nbd: " + path, size, readOnly, direct);
    }

    /**
     * Sends large reads of cached data from the mapped export ({@code true}; the export is mapped
     * the first time) or reads them into a buffer (the default here; {@code asys nbd serve} turns
     * them on). Null, or why the reads still go through a buffer: an O_DIRECT or empty export, a
     * file the kernel will not map, or one whose resident pages it will not show this user.
     */
    synchronized String useMappedReads(boolean on) {
        if (!on) {
            mapped = null;
            return null;
        }
        if (direct || size == 0) {
            return direct ? "an O_DIRECT export's reads bypass the page cache" : "the export is empty";
        }
        if (!PageCache.isResidencyVisible(file)) {
            // mincore would call every page resident, and sends would wait for the disk.
            return file.path() + ": which pages are in memory is not shown to this user (not the file's owner, "
                    + "no write permission)";
        }
        if (mapping == null) {
            try {
                mapping = PageCache.map(file, size);
            } catch (ErrnoException e) {
                return e.getMessage();
            }
        }
        mapped = mapping;
        return null;
    }

    /**
     * The bytes of a large read straight from the mapped export, when mapped reads are on and
     * every page of them is in memory now (resident): a send from there copies once, from the cache
     * into the socket, where a read into a buffer and a send from it copy twice (1 MiB reads at
     * depth 8: 10 to 50% less server CPU per read, docs/nbd.md). Dirty pages and pages under
     * writeback are sent too: the mapping shows the page cache itself, so a read sees every write
     * answered before it, as a read into a buffer does. Null for a small read (a cache lookup
     * costs about what its copy does), a range with a page not resident (its send would wait for
     * the disk on the network engine's thread; the read path reads it on a disk engine), or an
     * unmapped export. Resident, not merely cached: {@code cachestat} counts pages whose read is
     * still in flight, and sends from those, right behind a read path's readahead, waited for the
     * disk on the network thread (majflt on the server at the start of 1 MiB read jobs, session 10).
     */
    MemorySegment cachedView(long offset, long length) {
        MemorySegment m = mapped;
        if (m == null || length < LARGE_IO) {
            return null;
        }
        MemorySegment view = m.asSlice(offset, length);
        if (!PageCache.isResident(view)) {
            return null;
        }
        readsFromCache.increment();
        return view;
    }

    private static <T> T join(CompletableFuture<T> f) throws java.io.IOException {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof java.io.IOException io) {
                throw io;
            }
            throw e;
        }
    }

    /** Smallest request size and alignment the export accepts. */
    int minimumBlock() {
        return direct ? DIRECT_BLOCK : 1;
    }

    int preferredBlock() {
        return 4096;
    }

    /** Transmission flags of this export for a client that did or did not negotiate structured replies. */
    int transmissionFlags(boolean structured) {
        int f = Nbd.FLAG_HAS_FLAGS | Nbd.FLAG_SEND_FLUSH | Nbd.FLAG_SEND_FUA | Nbd.FLAG_CAN_MULTI_CONN | Nbd.FLAG_SEND_CACHE;
        if (readOnly) {
            f |= Nbd.FLAG_READ_ONLY;
        } else {
            f |= Nbd.FLAG_SEND_TRIM | Nbd.FLAG_SEND_WRITE_ZEROES | Nbd.FLAG_SEND_FAST_ZERO;
        }
        if (structured) {
            f |= Nbd.FLAG_SEND_DF;
        }
        return f;
    }

    /** Reads {@code buffer.byteSize()} bytes at {@code offset} on {@code engine}, resubmitting after short reads. */
    CompletableFuture<Integer> read(Asys engine, MemorySegment buffer, long offset) {
        return engine.read(file, buffer, offset).thenCompose(n -> {
            if (n == buffer.byteSize()) {
                return CompletableFuture.completedFuture(0);
            }
            if (n == 0) {
                // The file shrank under the export: report an I/O error rather than send stale bytes.
                return CompletableFuture.failedFuture(new ErrnoException("read", file.path() + " (end of file)", -Errno.EIO));
            }
            return read(engine, buffer.asSlice(n), offset + n);
        });
    }

    /** Reads of this size and more go to the disk engines, where their copies run beside the network's. */
    static final int LARGE_IO = 128 << 10;

    /** Every engine this export's operations may run on. */
    java.util.List<Asys> engines() {
        java.util.List<Asys> all = new java.util.ArrayList<>(java.util.List.of(large));
        all.add(small);
        return all;
    }

    /** The engine for a read of {@code length} bytes: the network's when small, else the next disk engine. */
    Asys readEngineFor(long length) {
        return length < LARGE_IO ? small : large[Math.floorMod(turn.getAndIncrement(), large.length)];
    }

    /**
     * The engine for a write of any size: the network's, whose thread received the payload. A
     * buffered write on a file system without non-blocking buffered writes (ext4) runs on an
     * io_uring worker thread whichever ring submits it, so a hop to a disk engine's thread only
     * added two thread switches per write (same-run A/B, 1 MiB writes at depth 8 on a quiet
     * machine: 5 to 18% more IOPS and 20% less CPU per write on the network engine, 8 of 8 rounds).
     */
    Asys writeEngine() {
        return small;
    }

    /** Writes all of {@code buffer} at {@code offset} on {@code engine}, then syncs the data if {@code fua}. */
    CompletableFuture<Integer> write(Asys engine, MemorySegment buffer, long offset, boolean fua) {
        CompletableFuture<Integer> w = writeAll(engine, buffer, offset);
        return fua ? w.thenCompose(v -> asys.fdatasync(file)) : w;
    }

    private CompletableFuture<Integer> writeAll(Asys engine, MemorySegment buffer, long offset) {
        return engine.write(file, buffer, offset).thenCompose(n -> {
            if (n == buffer.byteSize()) {
                return CompletableFuture.completedFuture(0);
            }
            if (n == 0) {
                return CompletableFuture.failedFuture(new ErrnoException("write", file.path(), -Errno.ENOSPC));
            }
            return writeAll(engine, buffer.asSlice(n), offset + n);
        });
    }

    CompletableFuture<Integer> flush() {
        return asys.fsync(file);
    }

    /** TRIM is a hint: a file system that cannot punch holes ignores it (success). */
    CompletableFuture<Integer> trim(long offset, long length, boolean fua) {
        CompletableFuture<Integer> t = asys.fallocate(file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length)
                .exceptionallyCompose(e -> unsupported(e) ? CompletableFuture.completedFuture(0) : CompletableFuture.failedFuture(e));
        return fua ? t.thenCompose(v -> asys.fdatasync(file)) : t;
    }

    /**
     * Zeroes a range: punch a hole (unless {@code noHole}), else zero the range in place, else
     * write zeroes; with {@code fastOnly} the last fallback fails with EOPNOTSUPP instead.
     */
    CompletableFuture<Integer> writeZeroes(long offset, long length, boolean noHole, boolean fastOnly, boolean fua) {
        CompletableFuture<Integer> z = noHole ? zeroRange(offset, length)
                : asys.fallocate(file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length)
                        .exceptionallyCompose(e -> unsupported(e) ? zeroRange(offset, length) : CompletableFuture.failedFuture(e));
        CompletableFuture<Integer> done = z.exceptionallyCompose(e -> {
            if (!unsupported(e)) {
                return CompletableFuture.failedFuture(e);
            }
            if (fastOnly) {
                return CompletableFuture.failedFuture(new ErrnoException("fallocate", file.path(), -Errno.EOPNOTSUPP));
            }
            return writeZeroesSlowly(offset, length);
        });
        return fua ? done.thenCompose(v -> asys.fdatasync(file)) : done;
    }

    private CompletableFuture<Integer> zeroRange(long offset, long length) {
        return asys.fallocate(file, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, offset, length);
    }

    private CompletableFuture<Integer> writeZeroesSlowly(long offset, long length) {
        if (length == 0) {
            return CompletableFuture.completedFuture(0);
        }
        long n = Math.min(length, ZEROES.byteSize());
        return writeAll(asys, ZEROES.asSlice(0, n), offset).thenCompose(v -> writeZeroesSlowly(offset + n, length - n));
    }

    CompletableFuture<Integer> cache(long offset, long length) {
        return asys.fadvise(file, offset, (int) length, POSIX_FADV_WILLNEED);
    }

    private static boolean unsupported(Throwable e) {
        int errno = Errors.errnoOf(e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e);
        return errno == Errno.EOPNOTSUPP || errno == Errno.ENOSYS;
    }
}
