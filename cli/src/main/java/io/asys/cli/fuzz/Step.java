package io.asys.cli.fuzz;

import io.asys.FileHandle;
import io.asys.Op;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One fuzzed operation on one lane: what to submit to asys ({@link #build}) and the same call done
 * plainly on the lane's mirror ({@link #oracle}). Fields are chosen by {@link StepGen}.
 */
final class Step {
    enum Kind {
        NOP, SLEEP, READ, WRITE, FSYNC, FDATASYNC, FTRUNCATE, FALLOCATE, FADVISE,
        STATX, MKDIR, UNLINK, RENAME, SYMLINK, LINK, OPEN, GETXATTR, SETXATTR, CLOSE_BAD_FD,
        READV, WRITEV, READ_FIXED, WRITE_FIXED, SYNC_FILE_RANGE, STATX_ALL, SETSOCKOPT
    }

    /** A {@link Kind#STATX_ALL} batch: these paths, in order (p1, p2, p1: a path twice too). */
    private String[] batch() {
        return new String[] {p1, p2, p1};
    }

    /** Buffer kinds: a guarded native buffer, or a buffer asys must refuse. */
    static final int NATIVE = 0;
    static final int HEAP = 1;
    static final int READ_ONLY = 2;
    static final int CLOSED = 3;

    final Kind kind;
    String p1 = "f";
    String p2 = "g";
    int flags;
    int mode;
    long offset;
    long length;
    String xattr = "user.fuzz";
    int bufKind = NATIVE;
    Guarded sutBuf;
    Guarded oraBuf;
    Duration sleep;
    /** RWF_* flags of a readv or writev, and how many iovecs split its buffer. */
    int rwFlags;
    int pieces = 1;
    /** A fixed read or write: the registered buffer's index and the offset in it. */
    int fixedIndex;
    long fixedOffset;
    io.asys.uring.FixedBuffers fixed;
    /** A setsockopt: level, option and the int its buffer starts with (when it holds 4 bytes or more). */
    int sockLevel;
    int sockOption;
    int sockValue;
    /** Cancel it: 0 no, 1 through asys (kernel cancel), 2 through the JDK future's cancel. */
    int cancel;
    Duration timeout;
    boolean hardLink;
    /** Filled in by the run: the two outcomes. */
    long sutOutcome;
    long oraOutcome;
    Object sutValue;
    /** The file was open with O_DIRECT when the step was built. */
    boolean direct;
    io.asys.Statx oraStatx;
    /** The oracle's statx per path of a batch (null where it failed). */
    io.asys.Statx[] oraBatch;

    Step(Kind kind) {
        this.kind = kind;
    }

    /** Whether the operation changes the lane (so a cancelled one may leave the two sides apart). */
    boolean changesState() {
        return switch (kind) {
            case WRITE, WRITEV, WRITE_FIXED, FTRUNCATE, FALLOCATE, MKDIR, UNLINK, RENAME, SYMLINK, LINK, OPEN, SETXATTR -> true;
            default -> false;
        };
    }

    boolean usesHandle() {
        return switch (kind) {
            case READ, WRITE, READV, WRITEV, READ_FIXED, WRITE_FIXED, FSYNC, FDATASYNC, FTRUNCATE, FALLOCATE, FADVISE,
                 SYNC_FILE_RANGE, SETSOCKOPT -> true;
            default -> false;
        };
    }

    /** A read of file data into memory (plain, vectored or fixed). */
    boolean readsFile() {
        return kind == Kind.READ || kind == Kind.READV || kind == Kind.READ_FIXED;
    }

    /** A write of file data (plain, vectored or fixed). */
    boolean writesFile() {
        return kind == Kind.WRITE || kind == Kind.WRITEV || kind == Kind.WRITE_FIXED;
    }

    /** Whether the fixed buffer range lies inside the lane's registered buffer (else asys must refuse it). */
    boolean fixedInBounds() {
        return fixed != null && fixedIndex >= 0 && fixedIndex < fixed.count() && fixedOffset >= 0 && length >= 0
                && length <= Integer.MAX_VALUE && fixedOffset <= fixed.buffer(fixedIndex).byteSize() - length;
    }

    /** The asys operation on the lane's test side; may throw (an embedded NUL is refused at once). */
    Op<?> build(Lane lane) {
        FileHandle h = lane.handle;
        direct = h != null && h.isDirectIo();
        return switch (kind) {
            case NOP -> new Op.Nop();
            case SLEEP -> new Op.Timeout(sleep);
            case READ -> new Op.Read(h, buffer(true), offset);
            case WRITE -> new Op.Write(h, buffer(false), offset);
            case FSYNC -> new Op.Fsync(h, false);
            case FDATASYNC -> new Op.Fsync(h, true);
            case FTRUNCATE -> new Op.Ftruncate(h, length);
            case FALLOCATE -> new Op.Fallocate(h, mode, offset, length);
            case FADVISE -> new Op.Fadvise(h, offset, (int) length, mode);
            case STATX -> new Op.Statx(path(lane.sut, p1), flags, mode);
            case STATX_ALL -> new Op.StatxAll(java.util.Arrays.stream(batch()).map(n -> path(lane.sut, n)).toList(), flags, mode);
            case MKDIR -> new Op.MkdirAt(path(lane.sut, p1), mode);
            case UNLINK -> new Op.UnlinkAt(path(lane.sut, p1), flags);
            case RENAME -> new Op.RenameAt(path(lane.sut, p1), path(lane.sut, p2), flags);
            case SYMLINK -> new Op.SymlinkAt(Path.of(p2), path(lane.sut, p1));
            case LINK -> new Op.LinkAt(path(lane.sut, p1), path(lane.sut, p2), flags);
            case OPEN -> new Op.OpenAt(path(lane.sut, p1), flags, mode);
            case GETXATTR -> new Op.GetXattr(path(lane.sut, p1), xattr, buffer(true));
            case SETXATTR -> new Op.SetXattr(path(lane.sut, p1), xattr, buffer(false), flags);
            case CLOSE_BAD_FD -> new Op.Close((int) offset, "fd " + offset);
            case READV -> new Op.Readv(h, iovecs(buffer(true)), offset, rwFlags);
            case WRITEV -> new Op.Writev(h, iovecs(buffer(false)), offset, rwFlags);
            case READ_FIXED -> {
                if (fixedInBounds()) {
                    fixed.buffer(fixedIndex).fill(Guarded.FILL);
                }
                yield new Op.ReadFixed(h, fixed, fixedIndex, fixedOffset, (int) length, offset);
            }
            case WRITE_FIXED -> {
                if (fixedInBounds()) {
                    MemorySegment.copy(oraBuf.buffer, 0, fixed.buffer(fixedIndex), fixedOffset, length);
                }
                yield new Op.WriteFixed(h, fixed, fixedIndex, fixedOffset, (int) length, offset);
            }
            case SYNC_FILE_RANGE -> new Op.SyncFileRange(h, offset, (int) length, flags);
            case SETSOCKOPT -> new Op.SetSockOpt(h, sockLevel, sockOption, buffer(false));
        };
    }

    /** The buffer as {@link #pieces} consecutive iovecs: the same bytes as one read or write of it. */
    private io.asys.uring.IoVecs iovecs(MemorySegment whole) {
        io.asys.uring.IoVecs v = io.asys.uring.IoVecs.allocate(pieces);
        long at = 0;
        for (int i = 0; i < pieces; i++) {
            long n = i == pieces - 1 ? whole.byteSize() - at : whole.byteSize() * (i + 1) / pieces - at;
            v.set(i, whole.asSlice(at, n));
            at += n;
        }
        return v;
    }

    private static Path path(Path dir, String name) {
        return Path.of(Lane.side(dir, name));
    }

    private MemorySegment buffer(boolean read) {
        return switch (bufKind) {
            case HEAP -> MemorySegment.ofArray(new byte[(int) Math.max(1, length)]);
            case READ_ONLY -> sutBuf.buffer.asReadOnly();
            case CLOSED -> {
                Arena a = Arena.ofConfined();
                MemorySegment s = a.allocate(Math.max(1, length));
                a.close();
                yield s;
            }
            default -> sutBuf.buffer;
        };
    }

    /** The expected outcome when asys must refuse before any system call; else 1 (no refusal). */
    long refusal(Lane lane) {
        boolean paths = switch (kind) {
            case STATX, MKDIR, UNLINK, OPEN, GETXATTR, SETXATTR -> p1.indexOf('\0') >= 0;
            case RENAME, LINK, SYMLINK, STATX_ALL -> p1.indexOf('\0') >= 0 || p2.indexOf('\0') >= 0;
            default -> false;
        };
        boolean xattrs = (kind == Kind.GETXATTR || kind == Kind.SETXATTR) && xattr.indexOf('\0') >= 0;
        if (paths || xattrs) {
            return Outcome.REFUSED;
        }
        boolean vectored = kind == Kind.READV || kind == Kind.WRITEV;
        if (vectored && (bufKind == HEAP || bufKind == CLOSED)) {
            return Outcome.REFUSED; // the iovec array refuses the buffer while it is built, before any submission
        }
        if (usesHandle() && lane.handleClosed) {
            return -io.asys.Errno.EBADF;
        }
        if ((kind == Kind.READ_FIXED || kind == Kind.WRITE_FIXED) && !fixedInBounds()) {
            return Outcome.REFUSED;
        }
        boolean reads = kind == Kind.READ || kind == Kind.READV || kind == Kind.GETXATTR;
        boolean buffered = reads || kind == Kind.WRITE || kind == Kind.WRITEV || kind == Kind.SETXATTR
                || kind == Kind.SETSOCKOPT;
        if (buffered && (bufKind == HEAP || bufKind == CLOSED || bufKind == READ_ONLY && reads)) {
            return Outcome.REFUSED;
        }
        return 1;
    }

    /** Runs the plain system call on the lane's mirror: its outcome. */
    long oracle(Lane lane, Oracle o) {
        long refused = refusal(lane);
        if (refused != 1) {
            return refused;
        }
        int fd = lane.oraFd;
        // As java.nio.file.Path spells them: it drops a trailing slash, so the test side never sees one.
        String a = nio(Lane.side(lane.ora, p1));
        String b = nio(Lane.side(lane.ora, p2));
        return switch (kind) {
            case NOP, SLEEP -> 0;
            case READ, READ_FIXED -> o.readOrWrite(true, fd, oraBuf.buffer, offset, 0);
            case WRITE, WRITE_FIXED -> o.readOrWrite(false, fd, oraBuf.buffer, offset, 0);
            case READV -> o.readOrWrite(true, fd, oraBuf.buffer, offset, rwFlags);
            case WRITEV -> o.readOrWrite(false, fd, oraBuf.buffer, offset, rwFlags);
            case SYNC_FILE_RANGE -> o.syncFileRange(fd, offset, (int) length, flags);
            case FSYNC -> o.fsync(fd, false);
            case FDATASYNC -> o.fsync(fd, true);
            case FTRUNCATE -> o.ftruncate(fd, length);
            case FALLOCATE -> o.fallocate(fd, mode, offset, length);
            case FADVISE -> o.fadvise(fd, offset, (int) length, mode);
            case STATX -> {
                MemorySegment out = Arena.ofAuto().allocate(256, 8);
                long r = o.statx(a, flags, mode, out);
                if (r >= 0) {
                    oraStatx = io.asys.Statx.decode(out);
                }
                yield r;
            }
            case STATX_ALL -> {
                String[] names = batch();
                oraBatch = new io.asys.Statx[names.length];
                int[] errnos = new int[names.length];
                for (int i = 0; i < names.length; i++) {
                    MemorySegment out = Arena.ofAuto().allocate(256, 8);
                    long r = o.statx(nio(Lane.side(lane.ora, names[i])), flags, mode, out);
                    if (r >= 0) {
                        oraBatch[i] = io.asys.Statx.decode(out);
                    } else {
                        errnos[i] = (int) -r;
                    }
                }
                yield batchOutcome(errnos);
            }
            case MKDIR -> o.mkdirat(a, mode);
            case UNLINK -> o.unlinkat(a, flags);
            case RENAME -> o.renameat2(a, b, flags);
            case SYMLINK -> o.symlinkat(nio(p2), a);
            case LINK -> o.linkat(a, b, flags);
            case OPEN -> {
                long r = o.openat(a, flags, mode);
                if (r >= 0) {
                    o.close((int) r);
                    r = 0;
                }
                yield r;
            }
            case GETXATTR -> o.getxattr(a, xattr, oraBuf.buffer);
            case SETXATTR -> o.setxattr(a, xattr, oraBuf.buffer, flags);
            case CLOSE_BAD_FD -> o.close((int) offset);
            case SETSOCKOPT -> o.setsockopt(fd, sockLevel, sockOption, oraBuf.buffer);
        };
    }

    /**
     * A batch's outcome as one number: each path's errno (0 for success) in 12 bits, first path
     * lowest. A path cut short by a cancel or timeout (ECANCELED, which statx itself never
     * returns) makes the whole batch read as cancelled or timed out, as a single statx would.
     */
    private long batchOutcome(int[] errnos) {
        long v = 0;
        for (int i = errnos.length - 1; i >= 0; i--) {
            if (errnos[i] == io.asys.Errno.ECANCELED) {
                return timeout != null && cancel == 0 ? Outcome.TIMEOUT : -io.asys.Errno.ECANCELED;
            }
            v = v << 12 | errnos[i];
        }
        return v;
    }

    /** The outcome of the test side's completion (a batch's results become {@link #batchOutcome}). */
    long outcomeOf(Object value, Throwable failure) {
        if (failure == null && value instanceof io.asys.StatxResults all) {
            int[] errnos = new int[all.size()];
            for (int i = 0; i < errnos.length; i++) {
                errnos[i] = all.errno(i);
            }
            return batchOutcome(errnos);
        }
        return Outcome.of(value, failure);
    }

    private static String nio(String path) {
        return path.indexOf('\0') >= 0 ? path : Path.of(path).toString();
    }

    /** With equal outcomes, null if the data agree too (bytes read, statx fields), else the difference. */
    String compareData() {
        if (sutOutcome < 0) {
            return null;
        }
        if (kind == Kind.READ_FIXED) {
            return compareFixed();
        }
        if ((kind == Kind.READ || kind == Kind.READV || kind == Kind.GETXATTR) && bufKind == NATIVE) {
            MemorySegment x = sutBuf.buffer.asSlice(0, Math.min(sutOutcome, sutBuf.size()));
            MemorySegment y = oraBuf.buffer.asSlice(0, Math.min(sutOutcome, oraBuf.size()));
            long at = x.mismatch(y);
            return at < 0 ? null : "data differ from byte " + at;
        }
        // An empty path with AT_EMPTY_PATH is the process's working directory, shared with everything else
        // running there: its link count and times may change between the two calls.
        if (kind == Kind.STATX && !p1.isEmpty() && sutValue instanceof io.asys.Statx s && oraStatx != null) {
            return statxDiffers(s, oraStatx);
        }
        if (kind == Kind.STATX_ALL && sutValue instanceof io.asys.StatxResults all && oraBatch != null) {
            String[] names = batch();
            for (int i = 0; i < names.length; i++) {
                if (!names[i].isEmpty() && all.statx(i) != null && oraBatch[i] != null) {
                    String d = statxDiffers(all.statx(i), oraBatch[i]);
                    if (d != null) {
                        return "path " + i + ": " + d;
                    }
                }
            }
        }
        return null;
    }

    private static String statxDiffers(io.asys.Statx s, io.asys.Statx t) {
        if (s.mode() != t.mode() || s.size() != t.size() || s.nlink() != t.nlink() || s.uid() != t.uid()) {
            return "statx differs: " + s + " vs " + t;
        }
        return null;
    }

    /** A fixed read: its bytes equal the oracle's, and nothing else in the registered buffer changed. */
    private String compareFixed() {
        MemorySegment b = fixed.buffer(fixedIndex);
        if (!b.scope().isAlive()) {
            return null; // the Asys closed this round and freed its registered buffers
        }
        long n = Math.min(sutOutcome, length);
        long at = b.asSlice(fixedOffset, n).mismatch(oraBuf.buffer.asSlice(0, n));
        if (at >= 0) {
            return "data differ from byte " + at;
        }
        // An O_DIRECT read that meets end of file may fill its whole range (the device reads whole blocks).
        long end = fixedOffset + (direct ? length : n);
        for (long i = 0; i < b.byteSize(); i++) {
            if ((i < fixedOffset || i >= end) && b.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i) != Guarded.FILL) {
                return "fixed buffer byte " + i + " written outside the range " + fixedOffset + "+" + n;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        String s = kind + "(" + switch (kind) {
            case READ_FIXED, WRITE_FIXED -> "offset=" + offset + ", len=" + length + ", fixed " + fixedIndex + "+" + fixedOffset
                    + (direct ? ", O_DIRECT" : "");
            case SYNC_FILE_RANGE -> "offset=" + offset + ", length=" + length + ", flags=" + flags;
            case READ, WRITE, READV, WRITEV -> "offset=" + offset + ", len=" + length + ", buf=" + bufKind + (direct ? ", O_DIRECT" : "")
                    + (kind == Kind.READV || kind == Kind.WRITEV ? ", " + pieces + " iovecs, rwf=0x" + Integer.toHexString(rwFlags) : "")
                    + ", outcome " + Outcome.describe(sutOutcome) + "/" + Outcome.describe(oraOutcome) + " cancel " + cancel
                    + (sutBuf != null ? ", align+" + (sutBuf.alignmentOffset() % 4096) : "");
            case FTRUNCATE -> "length=" + length;
            case FALLOCATE, FADVISE -> "mode=" + mode + ", offset=" + offset + ", length=" + length;
            case STATX, MKDIR, UNLINK, OPEN -> "'" + shortName(p1) + "', flags=0x" + Integer.toHexString(flags)
                    + ", mode=0" + Integer.toOctalString(mode);
            case RENAME, LINK, SYMLINK -> "'" + shortName(p1) + "', '" + shortName(p2) + "', flags=0x" + Integer.toHexString(flags);
            case STATX_ALL -> "'" + shortName(p1) + "', '" + shortName(p2) + "', '" + shortName(p1) + "', flags=0x"
                    + Integer.toHexString(flags) + ", mask=0x" + Integer.toHexString(mode) + ", outcome "
                    + Long.toHexString(sutOutcome) + "/" + Long.toHexString(oraOutcome);
            case GETXATTR, SETXATTR -> "'" + shortName(p1) + "', " + shortName(xattr) + ", len=" + length + ", buf=" + bufKind;
            case CLOSE_BAD_FD -> "fd=" + offset;
            case SETSOCKOPT -> "level=" + sockLevel + ", option=" + sockOption + ", value=" + sockValue + ", len=" + length
                    + ", buf=" + bufKind;
            case SLEEP -> sleep.toNanos() + "ns";
            default -> "";
        } + ")";
        return s + (cancel == 1 ? " +cancel" : cancel == 2 ? " +jdkcancel" : "") + (timeout != null ? " +timeout" : "");
    }

    private static String shortName(String n) {
        String v = n.replace("\0", "\\0");
        return v.length() > 24 ? v.substring(0, 12) + "...(" + v.length() + " chars)" : v;
    }
}
