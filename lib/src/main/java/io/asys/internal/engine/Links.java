package io.asys.internal.engine;

import io.asys.Op;
import io.asys.uring.IoUringAbi;

/**
 * How a chain step decides the steps after it, as io_uring's IOSQE_IO_LINK does, for the places
 * where asys itself decides: the worker engine, and the io_uring engine where it cut a chain.
 */
public final class Links {
    /** The kernel's PATH_MAX: a path of this many bytes or more (NUL included) is ENAMETOOLONG. */
    private static final int PATH_MAX = 4096;
    /** The kernel's XATTR_NAME_MAX and XATTR_SIZE_MAX. */
    private static final int XATTR_NAME_MAX = 255;
    private static final int XATTR_SIZE_MAX = 65536;

    private Links() {
    }

    /**
     * Whether step {@code r}, completed with {@code res}, keeps the next step from running: a
     * failure, or a read or write that moved fewer bytes than asked; never after a hard link.
     */
    public static boolean breaks(Request<?> r, int res) {
        if (r.linkFlags == IoUringAbi.IOSQE_IO_HARDLINK) {
            return false;
        }
        if (res < 0) {
            return true;
        }
        long wanted = switch (r.op) {
            case Op.Read o -> o.buffer().byteSize();
            case Op.ReadDirect o -> o.buffer().byteSize();
            case Op.Write o -> o.buffer().byteSize();
            case Op.Readv o -> o.buffers().totalLength();
            case Op.Writev o -> o.buffers().totalLength();
            case Op.ReadFixed o -> o.length();
            case Op.WriteFixed o -> o.length();
            case Op.Send o -> o.buffer().byteSize();
            case Op.Recv o -> o.buffer().byteSize();
            default -> res;
        };
        return res < wanted;
    }

    /**
     * Whether io_uring refuses {@code op} while preparing its entry, before anything runs: a path
     * that is empty or too long (copied in at prep), unlinkat flags other than AT_REMOVEDIR, an
     * xattr name or value out of bounds or unknown xattr flags. A chain holding such a step fails
     * as a whole on io_uring, earlier steps and hard links included; the io_uring engine gives that
     * step a submission of its own so chains behave as the system calls run one after the other.
     * May say true for a step the kernel would accept: that costs one more submission, no more.
     */
    static boolean refusedWhilePrepared(Op<?> op) {
        return switch (op) {
            case Op.OpenAt o -> badPath(o.cPath());
            case Op.OpenAt2 o -> badPath(o.cPath());
            case Op.OpenDirect o -> badPath(o.cPath());
            case Op.Statx o -> badPath(o.cPath());
            case Op.MkdirAt o -> badPath(o.cPath());
            case Op.UnlinkAt o -> badPath(o.cPath()) || (o.flags() & ~Op.AT_REMOVEDIR) != 0;
            case Op.RenameAt o -> badPath(o.cFrom()) || badPath(o.cTo());
            case Op.SymlinkAt o -> badPath(o.cTarget()) || badPath(o.cLink());
            case Op.LinkAt o -> badPath(o.cExisting()) || badPath(o.cLink());
            case Op.GetXattr o -> badPath(o.cPath()) || badXattr(o.cName(), o.value().byteSize(), 0);
            case Op.SetXattr o -> badPath(o.cPath()) || badXattr(o.cName(), o.value().byteSize(), o.flags());
            case Op.FGetXattr o -> badXattr(o.cName(), o.value().byteSize(), 0);
            case Op.FSetXattr o -> badXattr(o.cName(), o.value().byteSize(), o.flags());
            default -> false;
        };
    }

    /** {@code cPath} is NUL-terminated: length 1 is the empty path. */
    private static boolean badPath(byte[] cPath) {
        return cPath.length <= 1 || cPath.length > PATH_MAX;
    }

    private static boolean badXattr(byte[] cName, long valueSize, int flags) {
        return cName.length <= 1 || cName.length - 1 > XATTR_NAME_MAX || valueSize > XATTR_SIZE_MAX || (flags & ~3) != 0;
    }
}
