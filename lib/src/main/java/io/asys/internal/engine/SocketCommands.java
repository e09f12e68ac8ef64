package io.asys.internal.engine;

import io.asys.Errno;
import io.asys.internal.linux.Syscall;
import io.asys.internal.linux.SyscallNumbers;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * io_uring's socket commands ({@code IORING_OP_URING_CMD}) answer {@code EOPNOTSUPP} for a
 * descriptor that is no socket (its file has no command handler), where setsockopt(2) says
 * {@code ENOTSOCK}. asys gives the system call's answer on both engines: on that error it asks
 * the descriptor its socket type (getsockopt SO_TYPE, which fails with ENOTSOCK for files).
 */
final class SocketCommands {
    private static final int SOL_SOCKET = 1;
    private static final int SO_TYPE = 3;

    private SocketCommands() {
    }

    /** The result setsockopt(2) would give where the socket command gave {@code res}. */
    static int asSystemCall(int fd, int res) {
        if (res != -Errno.EOPNOTSUPP) {
            return res;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment type = a.allocate(ValueLayout.JAVA_INT);
            MemorySegment length = a.allocate(ValueLayout.JAVA_INT);
            length.set(ValueLayout.JAVA_INT, 0, 4);
            long r = new Syscall().call(SyscallNumbers.GETSOCKOPT, fd, SOL_SOCKET, SO_TYPE, type.address(), length.address(), 0);
            return r == -Errno.ENOTSOCK ? -Errno.ENOTSOCK : res;
        }
    }
}
