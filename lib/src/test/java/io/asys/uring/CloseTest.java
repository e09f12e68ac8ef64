package io.asys.uring;

import io.asys.Errno;
import io.asys.FileDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.asys.FileDescriptors.O_RDWR;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CloseTest {
    @TempDir
    Path dir;

    @Test
    void closeCancelsReadsThatWouldNeverComplete() throws Exception {
        int fifo = openFifo();
        try {
            IoUring ring = RingTestSupport.openRing();
            Set<Long> issued = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                issued.add(ring.getSqe().prepRead(fifo, Arena.ofAuto().allocate(64), -1).userData());
            }
            assertEquals(10, ring.submit());
            // Nobody writes: the reads are parked in the kernel, not completed.
            assertEquals(-Errno.ETIME, ring.submitAndWait(1, 50_000_000L));
            assertEquals(0, ring.reap((ud, res, flags) -> { }));
            assertEquals(10, ring.inFlight());

            var c = new RingTestSupport.Collector();
            long start = System.nanoTime();
            ring.close(c);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis < 2000, "close took " + millis + " ms");
            assertTrue(ring.isClosed());
            assertEquals(10, c.completions.size());
            for (var completion : c.completions) {
                assertEquals(-Errno.ECANCELED, completion.res(), completion.toString());
                assertTrue(issued.remove(completion.userData()), "unexpected or duplicate " + completion);
            }
        } finally {
            FileDescriptors.close(fifo);
        }
    }

    /** No room for the cancel at first: close must submit the reads, then find room and cancel them. */
    @Test
    void closeCancelsWhenTheSqIsFullOfUnsubmittedReads() throws Exception {
        int fifo = openFifo();
        try {
            IoUring ring = RingTestSupport.openRing(IoUringConfig.defaults().withEntries(8).withMaxInFlight(16));
            for (int i = 0; i < ring.sqEntries(); i++) {
                ring.getSqe().prepRead(fifo, Arena.ofAuto().allocate(64), -1);
            }
            assertEquals(0, ring.sqSpaceLeft());
            var c = new RingTestSupport.Collector();
            ring.close(c);
            assertEquals(ring.sqEntries(), c.completions.size());
            for (var completion : c.completions) {
                assertEquals(-Errno.ECANCELED, completion.res(), completion.toString());
            }
        } finally {
            FileDescriptors.close(fifo);
        }
    }

    @Test
    void closeSubmitsAndCompletesEntriesPreparedButNotSubmitted() throws Exception {
        IoUring ring = RingTestSupport.openRing();
        Set<Long> issued = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            issued.add(ring.getSqe().prepNop().userData());
        }
        var c = new RingTestSupport.Collector();
        ring.close(c);
        assertEquals(3, c.completions.size());
        for (var completion : c.completions) {
            assertEquals(0, completion.res());
            assertTrue(issued.remove(completion.userData()), "unexpected or duplicate " + completion);
        }
    }

    @Test
    void closingTwiceIsHarmless() throws Exception {
        IoUring ring = RingTestSupport.openRing();
        assertFalse(ring.isClosed());
        ring.close();
        assertTrue(ring.isClosed());
        assertDoesNotThrow(() -> ring.close());
        assertDoesNotThrow(() -> ring.close((ud, res, flags) -> { }));
    }

    @Test
    void aClosedRingRefusesToBeUsed() throws Exception {
        IoUring ring = RingTestSupport.openRing();
        ring.close();
        assertThrows(IllegalStateException.class, ring::getSqe);
        assertThrows(IllegalStateException.class, ring::submit);
        assertThrows(IllegalStateException.class, () -> ring.submitAndWait(1));
        assertThrows(IllegalStateException.class, () -> ring.submitAndWait(1, 1_000_000L));
        assertThrows(IllegalStateException.class, () -> ring.reap((ud, res, flags) -> { }));
        assertThrows(IllegalStateException.class, () -> ring.registerFiles(0));
        assertThrows(IllegalStateException.class, () -> ring.registerBuffers(1, 4096));
    }

    /** A FIFO opened read-write: the open does not block, and a read waits for data forever. */
    private int openFifo() throws Exception {
        Path path = dir.resolve("fifo");
        Process p;
        try {
            p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "no mkfifo: " + e.getMessage());
            throw e;
        }
        assumeTrue(p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo failed");
        return FileDescriptors.open(path, O_RDWR, 0);
    }
}
