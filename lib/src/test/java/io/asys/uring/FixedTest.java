package io.asys.uring;

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
import static io.asys.uring.IoUringAbi.IOSQE_FIXED_FILE;
import static io.asys.uring.RingTestSupport.pattern;
import static io.asys.uring.RingTestSupport.submitOne;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FixedTest {
    private static final int SIZE = 4096;

    @TempDir
    Path dir;
    private IoUring ring;
    private Path file;
    private int fd;

    @BeforeEach
    void setUp() throws Exception {
        ring = RingTestSupport.openRing();
        file = dir.resolve("data");
        fd = FileDescriptors.open(file, O_RDWR | O_CREAT, 0600);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (ring != null) {
            ring.close();
        }
        FileDescriptors.close(fd);
    }

    @Test
    void fixedWriteThenFixedReadRoundTrip() throws Exception {
        FixedBuffers buffers = ring.registerBuffers(2, SIZE);
        assertEquals(2, buffers.count());
        assertEquals(0, buffers.buffer(0).address() % 4096, "registered buffers are page-aligned");
        byte[] data = pattern(SIZE, 5);
        MemorySegment.copy(data, 0, buffers.buffer(0), ValueLayout.JAVA_BYTE, 0, SIZE);

        ring.getSqe().prepWriteFixed(fd, buffers, 0, 0, SIZE, 0);
        assertEquals(SIZE, submitOne(ring));
        assertArrayEquals(data, Files.readAllBytes(file));

        // A part of the file into the middle of the other buffer.
        ring.getSqe().prepReadFixed(fd, buffers, 1, 100, 1000, 50);
        assertEquals(1000, submitOne(ring));
        assertArrayEquals(Arrays.copyOfRange(data, 50, 1050),
                buffers.buffer(1).asSlice(100, 1000).toArray(ValueLayout.JAVA_BYTE));
        assertEquals(0, buffers.buffer(1).get(ValueLayout.JAVA_BYTE, 99));
    }

    @Test
    void outOfRangeIndexOffsetOrLengthIsRefusedBeforeSubmit() throws Exception {
        FixedBuffers buffers = ring.registerBuffers(2, SIZE);
        Sqe sqe = ring.getSqe();
        assertThrows(IndexOutOfBoundsException.class, () -> sqe.prepReadFixed(fd, buffers, 2, 0, 16, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> sqe.prepReadFixed(fd, buffers, -1, 0, 16, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> sqe.prepReadFixed(fd, buffers, 0, -1, 16, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> sqe.prepReadFixed(fd, buffers, 0, 0, -1, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> sqe.prepReadFixed(fd, buffers, 0, SIZE - 15, 16, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> sqe.prepWriteFixed(fd, buffers, 1, SIZE, 1, 0));
        assertThrows(IndexOutOfBoundsException.class,
                () -> sqe.prepWriteFixed(fd, buffers, 0, Long.MAX_VALUE, 16, 0));
        assertEquals(0, submitOne(ring), "the refused entry completes as a NOP");

        // The exact edges are accepted.
        ring.getSqe().prepWriteFixed(fd, buffers, 1, SIZE - 16, 16, 0);
        assertEquals(16, submitOne(ring));
        ring.getSqe().prepReadFixed(fd, buffers, 0, 0, 0, 0);
        assertEquals(0, submitOne(ring));
    }

    @Test
    void buffersOfAnotherRingAreRefused() throws Exception {
        ring.registerBuffers(1, SIZE);
        try (IoUring other = RingTestSupport.openRing()) {
            FixedBuffers foreign = other.registerBuffers(1, SIZE);
            Sqe sqe = ring.getSqe();
            assertThrows(IllegalArgumentException.class, () -> sqe.prepReadFixed(fd, foreign, 0, 0, 16, 0));
            assertThrows(IllegalArgumentException.class, () -> sqe.prepWriteFixed(fd, null, 0, 0, 16, 0));
            assertEquals(0, submitOne(ring));
        }
    }

    @Test
    void buffersAreRegisteredOnceAndChecked() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> ring.registerBuffers(0, SIZE));
        assertThrows(IllegalArgumentException.class, () -> ring.registerBuffers(1, 0));
        ring.registerBuffers(1, SIZE);
        assertThrows(IllegalStateException.class, () -> ring.registerBuffers(1, SIZE));
    }

    @Test
    void registeredFileIsReadByIndex() throws Exception {
        byte[] data = pattern(SIZE, 6);
        Files.write(file, data);
        int readOnly = FileDescriptors.open(file, O_RDONLY, 0);
        try {
            ring.registerFiles(fd, readOnly);
            MemorySegment buf = Arena.ofAuto().allocate(SIZE);
            ring.getSqe().prepRead(1, buf, 0).flags(IOSQE_FIXED_FILE);
            assertEquals(SIZE, submitOne(ring));
            assertArrayEquals(data, buf.toArray(ValueLayout.JAVA_BYTE));
        } finally {
            FileDescriptors.close(readOnly);
        }
        // Registered, the file stays usable through its index after the fd itself is closed.
        MemorySegment buf = Arena.ofAuto().allocate(10);
        ring.getSqe().prepRead(1, buf, 20).flags(IOSQE_FIXED_FILE);
        assertEquals(10, submitOne(ring));
        assertArrayEquals(Arrays.copyOfRange(data, 20, 30), buf.toArray(ValueLayout.JAVA_BYTE));
        ring.unregisterFiles();
    }

    /**
     * A refused fixed index must not leave the prepared operation live: submitted without the
     * flag, it would act on whatever plain fd has that number (here a second, unrelated file).
     */
    @Test
    void unregisteredFixedIndexIsRefusedBeforeSubmit() throws Exception {
        Path other = dir.resolve("other");
        int otherFd = FileDescriptors.open(other, O_RDWR | O_CREAT, 0600);
        try {
            MemorySegment buf = Arena.ofAuto().allocate(16);
            Sqe unregistered = ring.getSqe().prepWrite(otherFd, buf, 0);
            assertThrows(IndexOutOfBoundsException.class, () -> unregistered.flags(IOSQE_FIXED_FILE));
            assertEquals(0, submitOne(ring));

            ring.registerFiles(fd);
            Sqe pastEnd = ring.getSqe().prepWrite(otherFd, buf, 0);
            assertThrows(IndexOutOfBoundsException.class, () -> pastEnd.flags(IOSQE_FIXED_FILE));
            assertEquals(0, submitOne(ring));
            Sqe negative = ring.getSqe().prepRead(-1, buf, 0);
            assertThrows(IndexOutOfBoundsException.class, () -> negative.flags(IOSQE_FIXED_FILE));
            assertEquals(0, submitOne(ring));
            assertEquals(0, Files.size(other), "nothing was written through the plain fd");
        } finally {
            FileDescriptors.close(otherFd);
        }
    }
}
