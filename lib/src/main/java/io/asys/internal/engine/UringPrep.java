package io.asys.internal.engine;

import io.asys.Op;
import io.asys.uring.IoUringAbi;
import io.asys.uring.IoUringSupport;
import io.asys.uring.Sqe;
import io.asys.uring.Timespec;

import static io.asys.uring.IoUringAbi.*;

/**
 * Writes a typed operation into an SQE: the io_uring engine's whole mapping from {@link Op} to
 * prep helpers. Engine thread only.
 */
final class UringPrep {
    private UringPrep() {
    }

    /** The opcode an operation needs, for the kernel-support check before any SQE is taken. */
    static int opcode(Op<?> op) {
        return switch (op) {
            case Op.Nop n -> IORING_OP_NOP;
            case Op.Read r -> IORING_OP_READ;
            case Op.Write w -> IORING_OP_WRITE;
            case Op.Fsync f -> IORING_OP_FSYNC;
            case Op.Fallocate f -> IORING_OP_FALLOCATE;
            case Op.Fadvise f -> IORING_OP_FADVISE;
            case Op.Ftruncate f -> IORING_OP_FTRUNCATE;
            case Op.OpenAt o -> IORING_OP_OPENAT;
            case Op.Statx s -> IORING_OP_STATX;
            case Op.RenameAt r -> IORING_OP_RENAMEAT;
            case Op.UnlinkAt u -> IORING_OP_UNLINKAT;
            case Op.MkdirAt m -> IORING_OP_MKDIRAT;
            case Op.SymlinkAt s -> IORING_OP_SYMLINKAT;
            case Op.LinkAt l -> IORING_OP_LINKAT;
            case Op.Timeout t -> IORING_OP_TIMEOUT;
            case Op.Close c -> IORING_OP_CLOSE;
            case Op.OpenDirect o -> IORING_OP_OPENAT;
            case Op.ReadDirect r -> IORING_OP_READ;
            case Op.CloseDirect c -> IORING_OP_CLOSE;
            case Op.Readv r -> IORING_OP_READV;
            case Op.Writev w -> IORING_OP_WRITEV;
            case Op.SyncFileRange s -> IORING_OP_SYNC_FILE_RANGE;
            case Op.PollAdd p -> IORING_OP_POLL_ADD;
            case Op.Socket s -> IORING_OP_SOCKET;
            case Op.Connect c -> IORING_OP_CONNECT;
            case Op.Bind b -> IORING_OP_BIND;
            case Op.Listen l -> IORING_OP_LISTEN;
            case Op.SetSockOpt o -> IORING_OP_URING_CMD;
            case Op.Accept a -> IORING_OP_ACCEPT;
            case Op.Send s -> IORING_OP_SEND;
            case Op.Recv r -> IORING_OP_RECV;
            case Op.Shutdown s -> IORING_OP_SHUTDOWN;
            case Op.OpenAt2 o -> IORING_OP_OPENAT2;
            case Op.GetXattr g -> IORING_OP_GETXATTR;
            case Op.SetXattr x -> IORING_OP_SETXATTR;
            case Op.FGetXattr g -> IORING_OP_FGETXATTR;
            case Op.FSetXattr x -> IORING_OP_FSETXATTR;
            case Op.Splice x -> IORING_OP_SPLICE;
            case Op.Tee x -> IORING_OP_TEE;
            case Op.Madvise x -> IORING_OP_MADVISE;
            case Op.SendZc x -> IORING_OP_SEND_ZC;
            case Op.SendMsg x -> IORING_OP_SENDMSG;
            case Op.RecvMsg x -> IORING_OP_RECVMSG;
            case Op.FutexWait x -> IORING_OP_FUTEX_WAIT;
            case Op.FutexWake x -> IORING_OP_FUTEX_WAKE;
            case Op.Waitid x -> IORING_OP_WAITID;
            case Op.AcceptMultishot x -> IORING_OP_ACCEPT;
            case Op.PollMultishot x -> IORING_OP_POLL_ADD;
            case Op.RecvMultishot x -> IORING_OP_RECV;
            case Op.RecvSelect x -> IORING_OP_RECV;
            case Op.MsgRing x -> IORING_OP_MSG_RING;
            case Op.ReadFixed x -> IORING_OP_READ_FIXED;
            case Op.WriteFixed x -> IORING_OP_WRITE_FIXED;
            case Op.StatxAll x -> NO_OPCODE;
        };
    }

    /** Every opcode the typed operations use (what {@link #opcode} can return). */
    private static final int[] OPERATION_SET = {
        IORING_OP_NOP, IORING_OP_READ, IORING_OP_WRITE, IORING_OP_FSYNC, IORING_OP_FALLOCATE, IORING_OP_FADVISE,
        IORING_OP_FTRUNCATE, IORING_OP_OPENAT, IORING_OP_STATX, IORING_OP_RENAMEAT, IORING_OP_UNLINKAT,
        IORING_OP_MKDIRAT, IORING_OP_SYMLINKAT, IORING_OP_LINKAT, IORING_OP_TIMEOUT, IORING_OP_CLOSE, IORING_OP_READV,
        IORING_OP_WRITEV, IORING_OP_SYNC_FILE_RANGE, IORING_OP_POLL_ADD, IORING_OP_SOCKET, IORING_OP_CONNECT,
        IORING_OP_BIND, IORING_OP_LISTEN, IORING_OP_ACCEPT, IORING_OP_SEND, IORING_OP_RECV, IORING_OP_SHUTDOWN,
        IORING_OP_OPENAT2, IORING_OP_GETXATTR, IORING_OP_SETXATTR, IORING_OP_FGETXATTR, IORING_OP_FSETXATTR,
        IORING_OP_SPLICE, IORING_OP_TEE, IORING_OP_MADVISE, IORING_OP_SEND_ZC, IORING_OP_SENDMSG, IORING_OP_RECVMSG,
        IORING_OP_FUTEX_WAIT, IORING_OP_FUTEX_WAKE, IORING_OP_WAITID, IORING_OP_MSG_RING, IORING_OP_READ_FIXED, IORING_OP_URING_CMD,
        IORING_OP_WRITE_FIXED,
    };

    /** Opcodes to keep off the ring although the kernel has them ({@code -Dasys.uring.avoid=STATX,OPENAT}). */
    static final String AVOID_PROP_NAME = "asys.uring.avoid";
    private static final java.util.BitSet AVOIDED = avoided(System.getProperty(AVOID_PROP_NAME, ""));

    private static java.util.BitSet avoided(String list) {
        java.util.BitSet set = new java.util.BitSet();
        for (String name : list.split(",")) {
            String n = name.trim().toUpperCase(java.util.Locale.ROOT);
            if (n.isEmpty()) {
                continue;
            }
            int found = -1;
            for (int opcode : OPERATION_SET) {
                if (IoUringAbi.opName(opcode).equals("IORING_OP_" + n)) {
                    found = opcode;
                }
            }
            if (found < 0) {
                throw new IllegalArgumentException(AVOID_PROP_NAME + ": no opcode " + n + " in asys's operation set");
            }
            set.set(found);
        }
        return set;
    }

    /** Whether the ring runs {@code opcode}: the kernel has it and it is not avoided. */
    static boolean runs(int opcode) {
        return IoUringSupport.isSupported(opcode) && !AVOIDED.get(opcode);
    }

    /** The opcodes of the operation set the ring does not run, and why (their operations run on workers). */
    static java.util.List<String> missingOpcodes() {
        java.util.List<String> missing = new java.util.ArrayList<>();
        for (int opcode : OPERATION_SET) {
            if (!IoUringSupport.isSupported(opcode)) {
                missing.add(IoUringAbi.opName(opcode) + ": kernel " + IoUringSupport.kernelRelease() + " lacks it");
            } else if (AVOIDED.get(opcode)) {
                missing.add(IoUringAbi.opName(opcode) + ": " + AVOID_PROP_NAME);
            }
        }
        return missing;
    }

    /** Null if the running kernel has the opcode, else why the operation cannot run. */
    /** What {@link #opcode} says for an operation io_uring has no opcode for (it runs on the worker engine). */
    static final int NO_OPCODE = -1;
    /** io_uring's socket commands (SOCKET_URING_OP_SETSOCKOPT) came with Linux 6.7. */
    private static final boolean SOCKET_COMMANDS = IoUringSupport.kernelAtLeast(6, 7);

    static String unsupported(Op<?> op) {
        int opcode = opcode(op);
        if (opcode == NO_OPCODE) {
            return "no io_uring opcode for " + op.getClass().getSimpleName() + " (a batch of system calls)";
        }
        if (op instanceof Op.SetSockOpt && !SOCKET_COMMANDS) {
            return "kernel " + IoUringSupport.kernelRelease() + " predates io_uring's socket commands (6.7; needed by setsockopt)";
        }
        if (AVOIDED.get(opcode) && IoUringSupport.isSupported(opcode)) {
            return IoUringAbi.opName(opcode) + " is avoided (" + AVOID_PROP_NAME + ")";
        }
        return IoUringSupport.isSupported(opcode) ? null
                : "kernel " + IoUringSupport.kernelRelease() + " lacks " + IoUringAbi.opName(opcode)
                        + " (needed by " + op.name() + ")";
    }

    /** The buffer ring of provided buffers made on this engine; refused for any other. */
    static io.asys.uring.BufferRing ring(io.asys.ProvidedBuffers buffers, UringEngine engine) {
        if (buffers.source() instanceof RingBuffers r && r.engine() == engine) {
            return r.ring();
        }
        throw new IllegalArgumentException("these provided buffers belong to another engine (" + buffers.engine() + ")");
    }

    static void prep(Sqe sqe, Op<?> op, NativeScratch mem, UringEngine engine) {
        switch (op) {
            case Op.Nop n -> sqe.prepNop();
            case Op.Read r -> sqe.prepRead(r.handle().fd(), r.buffer(), r.offset()).opFlags(r.rwFlags());
            case Op.Write w -> sqe.prepWrite(w.handle().fd(), w.buffer(), w.offset()).opFlags(w.rwFlags());
            case Op.Fsync f -> sqe.prepFsync(f.handle().fd(), f.dataOnly() ? IORING_FSYNC_DATASYNC : 0);
            case Op.Fallocate f -> sqe.prepFallocate(f.handle().fd(), f.mode(), f.offset(), f.length());
            case Op.Fadvise f -> sqe.prepFadvise(f.handle().fd(), f.offset(), f.length(), f.advice());
            case Op.Ftruncate f -> sqe.prepFtruncate(f.handle().fd(), f.length());
            case Op.OpenAt o -> sqe.prepOpenat(Op.AT_FDCWD, mem.path(0, o.cPath()), o.flags() | O_CLOEXEC, o.mode());
            case Op.Statx s -> sqe.prepStatx(Op.AT_FDCWD, mem.path(0, s.cPath()), s.flags(), s.mask(), mem.statx());
            case Op.RenameAt r -> sqe.prepRenameat(Op.AT_FDCWD, mem.path(0, r.cFrom()), Op.AT_FDCWD, mem.path(1, r.cTo()), r.flags());
            case Op.UnlinkAt u -> sqe.prepUnlinkat(Op.AT_FDCWD, mem.path(0, u.cPath()), u.flags());
            case Op.MkdirAt m -> sqe.prepMkdirat(Op.AT_FDCWD, mem.path(0, m.cPath()), m.mode());
            case Op.SymlinkAt s -> sqe.prepSymlinkat(mem.path(0, s.cTarget()), Op.AT_FDCWD, mem.path(1, s.cLink()));
            case Op.LinkAt l -> sqe.prepLinkat(Op.AT_FDCWD, mem.path(0, l.cExisting()), Op.AT_FDCWD, mem.path(1, l.cLink()), l.flags());
            case Op.Timeout t -> sqe.prepTimeout(Timespec.of(t.duration()), 0, IORING_TIMEOUT_ETIME_SUCCESS);
            case Op.Close c -> sqe.prepClose(c.fd());
            // The kernel refuses O_CLOEXEC on a direct open (EINVAL): a direct descriptor is not in the fd table.
            case Op.OpenDirect o -> sqe.prepOpenatDirect(Op.AT_FDCWD, mem.path(0, o.cPath()), o.flags() & ~O_CLOEXEC, o.mode(), o.slot());
            case Op.ReadDirect r -> sqe.prepRead(r.slot(), r.buffer(), r.offset()).flags(IOSQE_FIXED_FILE);
            case Op.CloseDirect c -> sqe.prepCloseDirect(c.slot());
            case Op.Readv r -> sqe.prepReadv(r.handle().fd(), r.buffers(), r.offset()).opFlags(r.rwFlags());
            case Op.Writev w -> sqe.prepWritev(w.handle().fd(), w.buffers(), w.offset()).opFlags(w.rwFlags());
            case Op.SyncFileRange s -> sqe.prepSyncFileRange(s.handle().fd(), s.length(), s.offset(), s.flags());
            case Op.PollAdd p -> sqe.prepPollAdd(p.handle().fd(), p.events());
            case Op.Socket s -> sqe.prepSocket(s.domain(), s.type() | O_CLOEXEC, s.protocol(), 0);
            case Op.Connect c -> sqe.prepConnect(c.handle().fd(), c.sockaddr());
            case Op.Bind b -> sqe.prepBind(b.handle().fd(), b.sockaddr());
            case Op.Listen l -> sqe.prepListen(l.handle().fd(), l.backlog());
            case Op.SetSockOpt o -> sqe.prepSetSockOpt(o.handle().fd(), o.level(), o.option(), o.value());
            case Op.Accept a -> sqe.prepAccept(a.handle().fd(), O_CLOEXEC);
            case Op.Send s -> sqe.prepSend(s.handle().fd(), s.buffer(), s.flags());
            case Op.Recv r -> sqe.prepRecv(r.handle().fd(), r.buffer(), r.flags());
            case Op.Shutdown s -> sqe.prepShutdown(s.handle().fd(), s.how());
            case Op.OpenAt2 o -> sqe.prepOpenat2(Op.AT_FDCWD, mem.path(0, o.cPath()),
                    mem.openHow(Integer.toUnsignedLong(o.flags() | O_CLOEXEC), o.mode(), o.resolve()));
            case Op.GetXattr g -> sqe.prepGetxattr(mem.path(1, g.cName()), g.value(), mem.path(0, g.cPath()));
            case Op.SetXattr x -> sqe.prepSetxattr(mem.path(1, x.cName()), x.value(), mem.path(0, x.cPath()), x.flags());
            case Op.FGetXattr g -> sqe.prepFgetxattr(g.handle().fd(), mem.path(1, g.cName()), g.value());
            case Op.FSetXattr x -> sqe.prepFsetxattr(x.handle().fd(), mem.path(1, x.cName()), x.value(), x.flags());
            case Op.Splice x -> sqe.prepSplice(x.in().fd(), x.inOffset(), x.out().fd(), x.outOffset(), x.length(), x.flags());
            case Op.Tee x -> sqe.prepTee(x.in().fd(), x.out().fd(), x.length(), x.flags());
            case Op.Madvise x -> sqe.prepMadvise(x.region(), x.advice());
            case Op.SendZc x -> sqe.prepSendZc(x.handle().fd(), x.buffer(), x.flags(), 0);
            case Op.SendMsg x -> sqe.prepSendmsg(x.handle().fd(), x.message(), x.flags());
            case Op.RecvMsg x -> sqe.prepRecvmsg(x.handle().fd(), x.message(), x.flags());
            case Op.FutexWait x -> sqe.prepFutexWait(x.word(), Integer.toUnsignedLong(x.expected()), FUTEX_BITSET_MATCH_ANY,
                    Op.FUTEX2_SIZE_U32 | x.flags());
            case Op.FutexWake x -> sqe.prepFutexWake(x.word(), x.count(), FUTEX_BITSET_MATCH_ANY, Op.FUTEX2_SIZE_U32 | x.flags());
            case Op.Waitid x -> sqe.prepWaitid(x.idtype(), x.id(), x.info(), x.options());
            case Op.AcceptMultishot x -> sqe.prepAcceptMultishot(x.handle().fd(), O_CLOEXEC);
            case Op.PollMultishot x -> sqe.prepPollMultishot(x.handle().fd(), x.events());
            case Op.RecvMultishot x -> sqe.prepRecvMultishot(x.handle().fd(), ring(x.buffers(), engine), x.flags());
            case Op.RecvSelect x -> sqe.prepRecvSelect(x.handle().fd(), ring(x.buffers(), engine), x.flags());
            case Op.MsgRing x -> sqe.prepMsgRing(x.targetRingFd(), x.value(), UringEngine.MESSAGE_USER_DATA);
            case Op.ReadFixed x -> sqe.prepReadFixed(x.handle().fd(), x.buffers(), x.index(), x.bufferOffset(), x.length(), x.offset());
            case Op.WriteFixed x -> sqe.prepWriteFixed(x.handle().fd(), x.buffers(), x.index(), x.bufferOffset(), x.length(),
                    x.offset());
            // Routed to the worker engine before it reaches the ring (see unsupported).
            case Op.StatxAll x -> throw new IllegalStateException("statx batches run on the worker engine");
        }
    }

    private static final int O_CLOEXEC = 02000000;
    private static final long FUTEX_BITSET_MATCH_ANY = 0xFFFF_FFFFL;
}
