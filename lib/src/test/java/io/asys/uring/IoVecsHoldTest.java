package io.asys.uring;

import io.asys.FileDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** A readv in flight keeps the buffers it was submitted with, even if the IoVecs is changed meanwhile. */
class IoVecsHoldTest {
    @Test
    void buffersOfAPendingReadvStayReachableAfterClear(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(true, p.waitFor(5, TimeUnit.SECONDS));
        try (IoUring ring = RingTestSupport.openRing()) {
            int fd = FileDescriptors.open(fifo, FileDescriptors.O_RDWR, 0);
            IoVecs iov = IoVecs.allocate(1).set(0, Arena.ofAuto().allocate(64));
            WeakReference<MemorySegment> submitted = new WeakReference<>(iov.buffer(0));
            ring.getSqe().prepReadv(fd, iov, 0);
            assertEquals(1, ring.submit());
            iov.clear();
            for (int i = 0; i < 5; i++) {
                System.gc();
                Thread.sleep(10);
            }
            assertNotNull(submitted.get(), "the buffer the kernel holds was let go");
            ring.close((ud, res, flags) -> { });
            FileDescriptors.close(fd);
        }
    }
}
