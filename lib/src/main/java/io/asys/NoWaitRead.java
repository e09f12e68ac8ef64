package io.asys;

import io.asys.internal.linux.Syscall;
import io.asys.internal.linux.SyscallNumbers;
import io.asys.uring.IoUringAbi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A read that never blocks, made on the calling thread: {@code preadv2(..., RWF_NOWAIT)} returns
 * the data if the page cache holds it, else {@code -EAGAIN} at once. One per thread (virtual
 * threads included): its iovec and errno area are single-owner.
 */
final class NoWaitRead {
    private static final ThreadLocal<NoWaitRead> PER_THREAD = ThreadLocal.withInitial(NoWaitRead::new);

    private final Syscall sys = new Syscall();
    private final MemorySegment iovec = Arena.ofAuto().allocate(16, 8);

    static NoWaitRead get() {
        return PER_THREAD.get();
    }

    /** Bytes read, 0 at end of file, or {@code -errno} ({@code -EAGAIN}: not all cached). */
    int read(int fd, MemorySegment buffer, long offset) {
        iovec.set(ValueLayout.JAVA_LONG, 0, buffer.address());
        iovec.set(ValueLayout.JAVA_LONG, 8, buffer.byteSize());
        // A critical downcall: RWF_NOWAIT returns without sleeping, so no thread-state transition is needed.
        long res = sys.callNonBlocking(SyscallNumbers.PREADV2, fd, iovec.address(), 1, offset, 0, IoUringAbi.RWF_NOWAIT);
        java.lang.ref.Reference.reachabilityFence(buffer);
        return (int) res;
    }
}
