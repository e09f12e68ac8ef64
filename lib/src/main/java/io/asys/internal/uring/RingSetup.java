package io.asys.internal.uring;

import io.asys.internal.linux.LibC;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.asys.uring.IoUringAbi.IORING_FEAT_SINGLE_MMAP;
import static io.asys.uring.IoUringAbi.IORING_OFF_CQ_RING;
import static io.asys.uring.IoUringAbi.IORING_OFF_SQES;
import static io.asys.uring.IoUringAbi.IORING_OFF_SQ_RING;
import static io.asys.uring.IoUringAbi.IORING_SETUP_COOP_TASKRUN;
import static io.asys.uring.IoUringAbi.IORING_SETUP_CQSIZE;
import static io.asys.uring.IoUringAbi.IORING_SETUP_DEFER_TASKRUN;
import static io.asys.uring.IoUringAbi.IORING_SETUP_NO_SQARRAY;
import static io.asys.uring.IoUringAbi.IORING_SETUP_SINGLE_ISSUER;
import static io.asys.uring.IoUringAbi.IORING_SETUP_SQPOLL;
import static io.asys.uring.IoUringAbi.IORING_SETUP_SUBMIT_ALL;
import static io.asys.uring.IoUringAbi.IORING_SETUP_TASKRUN_FLAG;

/**
 * Creates a ring: {@code io_uring_setup} with the wanted flags, dropping any flag the kernel
 * rejects with EINVAL (newest first, as fio does), then maps the SQ ring, CQ ring and SQE array
 * at the offsets the kernel returned (one mapping for both rings with IORING_FEAT_SINGLE_MMAP).
 */
public final class RingSetup {
    private static final int EINVAL = 22;

    /** Flags tried in this order of removal when the kernel says EINVAL. */
    private static final int[] DROP_ORDER = {
        IORING_SETUP_NO_SQARRAY, IORING_SETUP_DEFER_TASKRUN, IORING_SETUP_TASKRUN_FLAG,
        IORING_SETUP_SINGLE_ISSUER, IORING_SETUP_COOP_TASKRUN, IORING_SETUP_SUBMIT_ALL,
    };

    private RingSetup() {
    }

    /** The result of {@link #setup}: a ring, or the negated errno of the last attempt. */
    public record Result(MappedRing ring, int errno, int flagsTried) {
    }

    public static Result setup(IoUringCalls calls, int entries, int cqEntries, int flags, int sqThreadIdleMs) {
        if (cqEntries > 0) {
            flags |= IORING_SETUP_CQSIZE;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(ParamsDescriptor.SIZE, 8);
            int dropped = 0;
            while (true) {
                params.fill((byte) 0);
                params.set(ValueLayout.JAVA_INT, ParamsDescriptor.FLAGS, flags);
                params.set(ValueLayout.JAVA_INT, ParamsDescriptor.CQ_ENTRIES, cqEntries);
                params.set(ValueLayout.JAVA_INT, ParamsDescriptor.SQ_THREAD_IDLE, sqThreadIdleMs);
                int fd = calls.setup(entries, params);
                if (fd >= 0) {
                    return new Result(map(fd, params, flags), 0, flags);
                }
                if (fd != -EINVAL || dropped == DROP_ORDER.length) {
                    return new Result(null, fd, flags);
                }
                while (dropped < DROP_ORDER.length && (flags & DROP_ORDER[dropped]) == 0) {
                    dropped++;
                }
                if (dropped == DROP_ORDER.length) {
                    return new Result(null, fd, flags);
                }
                flags &= ~DROP_ORDER[dropped++];
            }
        }
    }

    private static MappedRing map(int fd, MemorySegment params, int flags) {
        LibC libc = new LibC();
        int features = params.get(ValueLayout.JAVA_INT, ParamsDescriptor.FEATURES);
        int sqEntries = params.get(ValueLayout.JAVA_INT, ParamsDescriptor.SQ_ENTRIES);
        int cqEntries = params.get(ValueLayout.JAVA_INT, ParamsDescriptor.CQ_ENTRIES);
        boolean hasArray = (flags & IORING_SETUP_NO_SQARRAY) == 0;
        long sqArray = params.get(ValueLayout.JAVA_INT, ParamsDescriptor.SQ_OFF + ParamsDescriptor.SQ_OFF_ARRAY);
        long sqRingSize = hasArray
                ? sqArray + 4L * sqEntries
                // Without the array, the ring ends where the kernel put the CQEs (single mapping).
                : params.get(ValueLayout.JAVA_INT, ParamsDescriptor.CQ_OFF + ParamsDescriptor.CQ_OFF_CQES)
                        + (long) CqeDescriptor.SIZE * cqEntries;
        long cqRingSize = params.get(ValueLayout.JAVA_INT, ParamsDescriptor.CQ_OFF + ParamsDescriptor.CQ_OFF_CQES)
                + (long) CqeDescriptor.SIZE * cqEntries;
        boolean single = (features & IORING_FEAT_SINGLE_MMAP) != 0;
        if (single) {
            sqRingSize = cqRingSize = Math.max(sqRingSize, cqRingSize);
        }
        int prot = LibC.PROT_READ | LibC.PROT_WRITE;
        int mapFlags = LibC.MAP_SHARED | LibC.MAP_POPULATE;
        long sqAddr = libc.mmap(sqRingSize, prot, mapFlags, fd, IORING_OFF_SQ_RING);
        if (sqAddr < 0) {
            libc.close(fd);
            throw new IllegalStateException("mmap of the SQ ring failed: errno " + -sqAddr);
        }
        long cqAddr = sqAddr;
        if (!single) {
            cqAddr = libc.mmap(cqRingSize, prot, mapFlags, fd, IORING_OFF_CQ_RING);
            if (cqAddr < 0) {
                libc.munmap(sqAddr, sqRingSize);
                libc.close(fd);
                throw new IllegalStateException("mmap of the CQ ring failed: errno " + -cqAddr);
            }
        }
        long sqesSize = (long) SqeDescriptor.SIZE * sqEntries;
        long sqesAddr = libc.mmap(sqesSize, prot, mapFlags, fd, IORING_OFF_SQES);
        if (sqesAddr < 0) {
            libc.munmap(sqAddr, sqRingSize);
            if (!single) {
                libc.munmap(cqAddr, cqRingSize);
            }
            libc.close(fd);
            throw new IllegalStateException("mmap of the SQE array failed: errno " + -sqesAddr);
        }
        // Shared arena: closing it invalidates every view of the rings before they are unmapped.
        Arena arena = Arena.ofShared();
        MemorySegment sqRing = LibC.mappedSegment(sqAddr, sqRingSize, arena);
        MemorySegment cqRing = single ? sqRing : LibC.mappedSegment(cqAddr, cqRingSize, arena);
        MemorySegment sqes = LibC.mappedSegment(sqesAddr, sqesSize, arena);
        var sq = new SubmissionQueue(sqRing, sqes, ParamsDescriptor.SQ_OFF, hasArray,
                (flags & IORING_SETUP_SQPOLL) != 0, params);
        var cq = new CompletionQueue(cqRing, ParamsDescriptor.CQ_OFF, params);
        return new MappedRing(fd, flags, features, sq, cq, arena, sqAddr, sqRingSize, single ? 0 : cqAddr, cqRingSize,
                sqesAddr, sqesSize);
    }
}
