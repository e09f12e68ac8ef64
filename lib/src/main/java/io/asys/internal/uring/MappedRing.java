package io.asys.internal.uring;

import io.asys.internal.linux.LibC;

import java.lang.foreign.Arena;

/**
 * A created ring: its fd, the flags the kernel accepted, its features, both queues and the
 * mappings to undo at close. Owned by one {@code IoUring}.
 */
public record MappedRing(int fd, int setupFlags, int features, SubmissionQueue sq, CompletionQueue cq, Arena arena,
                         long sqRingAddress, long sqRingSize, long cqRingAddress, long cqRingSize,
                         long sqesAddress, long sqesSize) {

    /** Unmaps everything and closes the ring fd. The kernel must hold no request of ours any more. */
    public void unmapAndClose() {
        arena.close();
        LibC libc = new LibC();
        libc.munmap(sqesAddress, sqesSize);
        if (cqRingAddress != 0) {
            libc.munmap(cqRingAddress, cqRingSize);
        }
        libc.munmap(sqRingAddress, sqRingSize);
        libc.close(fd);
    }
}
