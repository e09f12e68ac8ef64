package io.asys.uring;

import io.asys.Errno;
import io.asys.FileDescriptors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static io.asys.FileDescriptors.O_CREAT;
import static io.asys.FileDescriptors.O_RDONLY;
import static io.asys.FileDescriptors.O_RDWR;
import static io.asys.uring.RingTestSupport.nativeCopy;
import static io.asys.uring.RingTestSupport.pattern;
import static io.asys.uring.RingTestSupport.submitOne;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class VectoredTest {
    /** Deliberately uneven, so a buffer landing in the wrong place cannot go unnoticed. */
    private static final int[] SIZES = {100, 1000, 37};
    private static final int TOTAL = 1137;

    @TempDir
    Path dir;
    private IoUring ring;
    private Arena arena;

    @BeforeEach
    void setUp() throws Exception {
        ring = RingTestSupport.openRing();
        arena = Arena.ofConfined();
    }

    @AfterEach
    void tearDown() {
        if (ring != null) {
            ring.close();
        }
        arena.close();
    }

    @Test
    void readvFillsTheBuffersInOrder() throws Exception {
        Path file = dir.resolve("in");
        byte[] content = pattern(TOTAL + 50, 4);
        Files.write(file, content);
        IoVecs iovecs = buffers();
        int fd = FileDescriptors.open(file, O_RDONLY, 0);
        try {
            ring.getSqe().prepReadv(fd, iovecs, 10);
            assertEquals(TOTAL, submitOne(ring));
        } finally {
            FileDescriptors.close(fd);
        }
        int at = 10;
        for (int i = 0; i < SIZES.length; i++) {
            assertArrayEquals(Arrays.copyOfRange(content, at, at + SIZES[i]),
                    iovecs.buffer(i).toArray(ValueLayout.JAVA_BYTE), "buffer " + i);
            at += SIZES[i];
        }
    }

    @Test
    void writevWritesTheBuffersInOrder() throws Exception {
        Path file = dir.resolve("out");
        IoVecs iovecs = IoVecs.allocate(SIZES.length);
        byte[] expected = new byte[TOTAL];
        int at = 0;
        for (int i = 0; i < SIZES.length; i++) {
            byte[] part = pattern(SIZES[i], 10 + i);
            System.arraycopy(part, 0, expected, at, part.length);
            at += part.length;
            iovecs.set(i, nativeCopy(arena, part));
        }
        int fd = FileDescriptors.open(file, O_RDWR | O_CREAT, 0600);
        try {
            ring.getSqe().prepWritev(fd, iovecs, 0);
            assertEquals(TOTAL, submitOne(ring));

            // And back through readv into fresh buffers.
            IoVecs back = buffers();
            ring.getSqe().prepReadv(fd, back, 0);
            assertEquals(TOTAL, submitOne(ring));
            for (int i = 0; i < SIZES.length; i++) {
                assertEquals(-1, back.buffer(i).mismatch(iovecs.buffer(i)), "buffer " + i);
            }
        } finally {
            FileDescriptors.close(fd);
        }
        assertArrayEquals(expected, Files.readAllBytes(file));
    }

    @Test
    void emptyIoVecsAreRefusedAndTheEntryStaysANop() {
        Sqe sqe = ring.getSqe();
        assertThrows(IllegalArgumentException.class, () -> sqe.prepReadv(0, IoVecs.allocate(4), 0));
        assertThrows(IllegalArgumentException.class, () -> sqe.prepWritev(1, IoVecs.allocate(4), 0));
        assertEquals(0, submitOne(ring));
        assertEquals(0, ring.inFlight());
    }

    @Test
    void aGapInTheIoVecsIsRefused() {
        IoVecs gap = IoVecs.allocate(3).set(0, arena.allocate(8)).set(2, arena.allocate(8));
        assertEquals(3, gap.count());
        Sqe sqe = ring.getSqe();
        assertThrows(IllegalArgumentException.class, () -> sqe.prepReadv(0, gap, 0));
        assertEquals(0, submitOne(ring));
    }

    @Test
    void readOnlyOrClosedBuffersAreRefusedForReadv() {
        IoVecs readOnly = IoVecs.allocate(2).set(0, arena.allocate(8)).set(1, arena.allocate(8).asReadOnly());
        Arena gone = Arena.ofConfined();
        IoVecs closed = IoVecs.allocate(1).set(0, gone.allocate(8));
        gone.close();
        Sqe sqe = ring.getSqe();
        assertThrows(IllegalArgumentException.class, () -> sqe.prepReadv(0, readOnly, 0));
        assertThrows(IllegalStateException.class, () -> sqe.prepWritev(1, closed, 0));
        assertEquals(0, submitOne(ring));
    }

    @Test
    void badEntriesAndCapacitiesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> IoVecs.allocate(1).set(0, MemorySegment.ofArray(new byte[8])));
        assertThrows(IndexOutOfBoundsException.class, () -> IoVecs.allocate(2).set(2, arena.allocate(8)));
        assertThrows(IllegalArgumentException.class, () -> IoVecs.allocate(0));
        assertThrows(IllegalArgumentException.class, () -> IoVecs.allocate(1025));
    }

    @Test
    void readvOnABadFdFailsWithEbadf() {
        ring.getSqe().prepReadv(9999, buffers(), 0);
        assertEquals(-Errno.EBADF, submitOne(ring));
    }

    private IoVecs buffers() {
        IoVecs iovecs = IoVecs.allocate(SIZES.length);
        for (int i = 0; i < SIZES.length; i++) {
            iovecs.set(i, arena.allocate(SIZES[i]));
        }
        return iovecs;
    }
}
