package io.asys.uring;

import io.asys.Errno;
import io.asys.ErrnoException;
import io.asys.FileDescriptors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.nio.file.Path;

import static io.asys.FileDescriptors.O_CREAT;
import static io.asys.FileDescriptors.O_RDONLY;
import static io.asys.FileDescriptors.O_RDWR;
import static io.asys.uring.IoUringAbi.IORING_FSYNC_DATASYNC;
import static io.asys.uring.RingTestSupport.nativeCopy;
import static io.asys.uring.RingTestSupport.pattern;
import static io.asys.uring.RingTestSupport.submitOne;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SyncCloseTest {
    @TempDir
    Path dir;
    private IoUring ring;

    @BeforeEach
    void setUp() throws Exception {
        ring = RingTestSupport.openRing();
    }

    @AfterEach
    void tearDown() {
        if (ring != null) {
            ring.close();
        }
    }

    @Test
    void fsyncAndFdatasyncOfAWrittenFileSucceed() throws Exception {
        int fd = FileDescriptors.open(dir.resolve("data"), O_RDWR | O_CREAT, 0600);
        try {
            ring.getSqe().prepWrite(fd, nativeCopy(Arena.ofAuto(), pattern(8192, 7)), 0);
            assertEquals(8192, submitOne(ring));
            ring.getSqe().prepFsync(fd, 0);
            assertEquals(0, submitOne(ring));

            ring.getSqe().prepWrite(fd, nativeCopy(Arena.ofAuto(), pattern(100, 8)), 8192);
            assertEquals(100, submitOne(ring));
            ring.getSqe().prepFsync(fd, IORING_FSYNC_DATASYNC);
            assertEquals(0, submitOne(ring));
        } finally {
            FileDescriptors.close(fd);
        }
    }

    @Test
    void fsyncOfABadFdFailsWithEbadf() {
        ring.getSqe().prepFsync(9999, 0);
        assertEquals(-Errno.EBADF, submitOne(ring));
        ring.getSqe().prepFsync(9999, IORING_FSYNC_DATASYNC);
        assertEquals(-Errno.EBADF, submitOne(ring));
    }

    @Test
    void closeClosesARealFd() throws Exception {
        int fd = FileDescriptors.open(dir.resolve("data"), O_RDONLY | O_CREAT, 0600);
        ring.getSqe().prepClose(fd);
        assertEquals(0, submitOne(ring));
        // Racy only if another thread opens a file in this instant and gets the same number.
        ErrnoException e = assertThrows(ErrnoException.class, () -> FileDescriptors.close(fd));
        assertEquals(Errno.EBADF, e.errno());
        assertEquals("EBADF", e.errnoName());
    }

    @Test
    void closeOfABadFdFailsWithEbadf() {
        ring.getSqe().prepClose(9999);
        assertEquals(-Errno.EBADF, submitOne(ring));
    }
}
