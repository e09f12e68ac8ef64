package io.asys.uring;

import io.asys.Asys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Rings are released: by close (registered fd included), and by the cleaners when never closed. */
class RingReleaseTest {
    @Test
    void closeUnregistersTheRingFdSoRingsKeepRegistering() throws Exception {
        assumeTrue(IoUringSupport.isAvailable(), IoUringSupport::unavailabilityCause);
        // The kernel allows 16 registered ring fds per thread: 40 rings opened and closed in turn
        // on this thread each register theirs only if close gave the previous one back.
        for (int i = 0; i < 40; i++) {
            IoUring ring = IoUring.open();
            boolean registered = ring.ringFdRegistered();
            ring.close();
            assertTrue(registered, "ring " + i + " could register its fd");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void ringsAndAsysNeverClosedAreReleasedByTheCleaners() throws Exception {
        assumeTrue(IoUringSupport.isAvailable(), IoUringSupport::unavailabilityCause);
        int before = ringFds();
        for (int i = 0; i < 8; i++) {
            IoUring.open(IoUringConfig.defaults().withEntries(8));
            Asys.open("uring").nop().get(5, TimeUnit.SECONDS);
        }
        assertTrue(ringFds() >= before + 16, "16 rings open: " + ringFds() + " vs " + before);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ringFds() > before && System.nanoTime() < end) {
            System.gc();
            Thread.sleep(100);
        }
        assertEquals(before, ringFds(), "every ring fd closed by a cleaner");
    }

    private static int ringFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().contains("io_uring");
                } catch (IOException e) {
                    return false;
                }
            }).count();
        }
    }
}
