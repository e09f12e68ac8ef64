package io.asys;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static io.asys.TypedApiTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AsysChainTest {
    private static Asys asys;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() throws Exception {
        assumeIoUring();
        asys = Asys.open();
    }

    @AfterAll
    static void close() {
        if (asys != null) {
            asys.close();
        }
    }

    /** Counts how often each future completes (it must be exactly once). */
    private static final class Counted {
        final List<AtomicInteger> counts = new ArrayList<>();
        final List<CompletableFuture<?>> callbacks = new ArrayList<>();

        <T> CompletableFuture<T> add(CompletableFuture<T> f) {
            AtomicInteger n = new AtomicInteger();
            counts.add(n);
            callbacks.add(f.whenComplete((r, t) -> n.incrementAndGet()));
            return f;
        }

        void assertEachOnce() throws Exception {
            // The dependent stages complete only after their callbacks ran.
            CompletableFuture.allOf(callbacks.toArray(CompletableFuture[]::new)).exceptionally(t -> null)
                    .get(5, java.util.concurrent.TimeUnit.SECONDS);
            for (int i = 0; i < counts.size(); i++) {
                assertEquals(1, counts.get(i).get(), "completions of step " + i);
            }
        }
    }

    /** The errno a step failed with: an ErrnoException's, or the one a FileSystemException names. */
    private static int errnoOf(CompletableFuture<?> f) {
        Throwable t = failure(f);
        int errno = Errors.errnoOf(t);
        assertTrue(errno != 0, "no errno in " + t);
        return errno;
    }

    @Test
    void openReadCloseThroughADirectSlot() throws Exception {
        byte[] data = pattern(3000, 5);
        Path file = Files.write(dir.resolve("f"), data);
        int slot = asys.allocateDirectSlot();
        try {
            // Exactly the file's size: a short read counts as a failure for IOSQE_IO_LINK.
            MemorySegment buf = buffer(3000);
            Chain chain = asys.chain();
            Counted c = new Counted();
            var open = c.add(chain.then(new Op.OpenDirect(file, O_RDONLY, 0, slot)));
            var read = c.add(chain.then(new Op.ReadDirect(slot, buf, 0)));
            var close = c.add(chain.then(new Op.CloseDirect(slot)));
            chain.submit();
            assertEquals(0, get(open));
            assertEquals(3000, get(read));
            assertEquals(0, get(close));
            assertArrayEquals(data, toArray(buf, 3000));
            c.assertEachOnce();
        } finally {
            asys.releaseDirectSlot(slot);
        }
    }

    @Test
    void aShortReadBreaksAPlainLinkButNotAHardLink() throws Exception {
        Path file = Files.write(dir.resolve("short"), pattern(100, 5));
        int slot = asys.allocateDirectSlot();
        try {
            Chain chain = asys.chain();
            chain.then(new Op.OpenDirect(file, O_RDONLY, 0, slot));
            var read = chain.then(new Op.ReadDirect(slot, buffer(4096), 0));
            var close = chain.then(new Op.CloseDirect(slot));
            chain.submit();
            assertEquals(100, get(read));
            assertEquals(Errno.ECANCELED, errnoOf(close), "the kernel treats a short read as a broken link");

            Chain again = asys.chain();
            again.then(new Op.OpenDirect(file, O_RDONLY, 0, slot));
            var read2 = again.then(new Op.ReadDirect(slot, buffer(4096), 0));
            again.hardLink();
            var close2 = again.then(new Op.CloseDirect(slot));
            again.submit();
            assertEquals(100, get(read2));
            assertEquals(0, get(close2));
        } finally {
            asys.releaseDirectSlot(slot);
        }
    }

    @Test
    void readFileReturnsSizeAndContentAndReleasesItsSlot() throws Exception {
        byte[] data = pattern(5000, 11);
        Path file = Files.write(dir.resolve("whole"), data);
        MemorySegment buf = buffer(8192);
        // More rounds than there are direct slots: each call gives its slot back.
        for (int i = 0; i < 100; i++) {
            buf.fill((byte) 0);
            assertEquals(5000, get(asys.readFile(file, buf)));
            assertArrayEquals(data, toArray(buf, 5000));
        }
        Throwable t = failure(asys.readFile(dir.resolve("missing"), buf));
        assertInstanceOf(NoSuchFileException.class, t);
        assertTrue(t.getMessage().contains("ENOENT"), t.getMessage());
    }

    @Test
    void aFailingStepCancelsTheRestEachExactlyOnce() throws Exception {
        int slot = asys.allocateDirectSlot();
        try {
            Chain chain = asys.chain();
            Counted c = new Counted();
            var open = c.add(chain.then(new Op.OpenDirect(dir.resolve("missing"), O_RDONLY, 0, slot)));
            var read = c.add(chain.then(new Op.ReadDirect(slot, buffer(4096), 0)));
            var close = c.add(chain.then(new Op.CloseDirect(slot)));
            chain.submit();
            Throwable t = failure(open);
            assertInstanceOf(NoSuchFileException.class, t);
            assertEquals(Errno.ENOENT, Errors.errnoOf(t));
            assertEquals(Errno.ECANCELED, errnoOf(read));
            assertEquals(Errno.ECANCELED, errnoOf(close));
            get(asys.nop());
            c.assertEachOnce();
        } finally {
            asys.releaseDirectSlot(slot);
        }
    }

    @Test
    void aHardLinkedStepRunsAfterAFailure() throws Exception {
        int slot = asys.allocateDirectSlot();
        try {
            Chain chain = asys.chain();
            Counted c = new Counted();
            var open = c.add(chain.then(new Op.OpenDirect(dir.resolve("missing"), O_RDONLY, 0, slot)));
            chain.hardLink();
            var nop = c.add(chain.then(new Op.Nop()));
            var after = c.add(chain.then(new Op.Nop()));
            chain.submit();
            assertEquals(Errno.ENOENT, errnoOf(open));
            assertEquals(0, get(nop));
            assertEquals(0, get(after));
            c.assertEachOnce();
        } finally {
            asys.releaseDirectSlot(slot);
        }
    }

    @Test
    void aStepTimesOutAndTheRestAreCancelled() throws Exception {
        Path fifo = mkfifo(dir.resolve("fifo"));
        FileHandle h = get(asys.open(fifo, O_RDWR, 0));
        try {
            Chain chain = asys.chain();
            Counted c = new Counted();
            var first = c.add(chain.then(new Op.Nop()));
            Duration limit = Duration.ofMillis(50);
            var read = c.add(chain.then(new Op.Read(h, buffer(4096), 0), limit));
            var next = c.add(chain.then(new Op.Nop()));
            var last = c.add(chain.then(new Op.Nop()));
            long start = System.nanoTime();
            chain.submit();
            assertEquals(0, get(first));
            Throwable t = failure(read);
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            OperationTimeoutException e = assertInstanceOf(OperationTimeoutException.class, t);
            assertEquals(limit, e.timeout());
            assertEquals(Errno.ECANCELED, e.errno());
            assertTrue(elapsedMillis >= 45 && elapsedMillis < 2000, elapsedMillis + " ms");
            assertEquals(Errno.ECANCELED, errnoOf(next));
            assertInstanceOf(ErrnoException.class, failure(next));
            assertTrue(!(failure(next) instanceof OperationTimeoutException), "only the step with the timeout timed out");
            assertEquals(Errno.ECANCELED, errnoOf(last));
            c.assertEachOnce();
        } finally {
            assertEquals(0, get(asys.closeNow(h)));
        }
    }

    @Test
    void aStepWithATimeoutCancelledByABrokenChainDidNotTimeOut() throws Exception {
        int slot = asys.allocateDirectSlot();
        try {
            Chain chain = asys.chain();
            var open = chain.then(new Op.OpenDirect(dir.resolve("missing"), O_RDONLY, 0, slot));
            var nop = chain.then(new Op.Nop(), Duration.ofSeconds(5));
            chain.submit();
            assertEquals(Errno.ENOENT, errnoOf(open));
            Throwable t = failure(nop);
            assertEquals(ErrnoException.class, t.getClass(), "not a timeout: " + t);
            assertEquals(Errno.ECANCELED, Errors.errnoOf(t));
        } finally {
            asys.releaseDirectSlot(slot);
        }
    }

    @Test
    void aCancelledOperationWithATimeoutDidNotTimeOut() throws Exception {
        Path fifo = mkfifo(dir.resolve("fifo"));
        FileHandle h = get(asys.open(fifo, O_RDWR, 0));
        try {
            var read = asys.submit(new Op.Read(h, buffer(4096), 0), Duration.ofSeconds(5));
            Thread.sleep(20);
            asys.cancel(read);
            Throwable t = failure(read);
            assertEquals(ErrnoException.class, t.getClass(), "not a timeout: " + t);
            assertEquals(Errno.ECANCELED, Errors.errnoOf(t));

            var other = asys.submit(new Op.Read(h, buffer(4096), 0), Duration.ofSeconds(5));
            Thread.sleep(20);
            asys.cancelAll(h);
            assertEquals(ErrnoException.class, failure(other).getClass());
        } finally {
            assertEquals(0, get(asys.close(h)));
        }
    }

    @Test
    void sleepStepsInChains() throws Exception {
        // Soft-linked: the sleep is submitted with IORING_TIMEOUT_ETIME_SUCCESS, so its expiry is a
        // success and the next step runs after it.
        Chain linked = asys.chain();
        long begin = System.nanoTime();
        var sleep = linked.then(new Op.Timeout(Duration.ofMillis(10)));
        var next = linked.then(new Op.Nop());
        linked.submit();
        assertEquals(0, get(sleep));
        assertEquals(0, get(next));
        assertTrue(System.nanoTime() - begin >= 10_000_000L);

        // Hard-linked: a delay before the next step; both succeed.
        Chain hard = asys.chain();
        long start = System.nanoTime();
        var delay = hard.then(new Op.Timeout(Duration.ofMillis(30)));
        hard.hardLink();
        var after = hard.then(new Op.Nop());
        var last = hard.then(new Op.Timeout(Duration.ofMillis(1)));
        hard.submit();
        assertEquals(0, get(delay));
        assertEquals(0, get(after));
        assertEquals(0, get(last), "a sleep that ends a chain succeeds");
        assertTrue(System.nanoTime() - start >= 30_000_000L);
    }

    @Test
    void sleepTakesAtLeastItsDuration() throws Exception {
        long start = System.nanoTime();
        assertEquals(0, get(asys.sleep(Duration.ofMillis(50))));
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(elapsedMillis >= 50 && elapsedMillis < 2000, elapsedMillis + " ms");
    }

    @Test
    void submitWithATimeoutOnAReadThatNeverCompletes() throws Exception {
        Path fifo = mkfifo(dir.resolve("fifo"));
        FileHandle h = get(asys.open(fifo, O_RDWR, 0));
        try {
            long start = System.nanoTime();
            var read = asys.submit(new Op.Read(h, buffer(4096), 0), Duration.ofMillis(100));
            OperationTimeoutException e = assertInstanceOf(OperationTimeoutException.class, failure(read));
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(elapsedMillis >= 95 && elapsedMillis < 1000, elapsedMillis + " ms");
            assertTrue(e.getMessage().contains("read") && e.getMessage().contains(fifo.toString()), e.getMessage());
            assertEquals(Duration.ofMillis(100), e.timeout());
        } finally {
            assertEquals(0, get(asys.close(h)));
        }
    }

    @Test
    void anOperationFasterThanItsTimeoutReturnsItsResult() throws Exception {
        Path file = Files.write(dir.resolve("quick"), pattern(4096, 2));
        FileHandle h = get(asys.open(file, O_RDONLY, 0));
        MemorySegment buf = buffer(4096);
        assertEquals(4096, get(asys.submit(new Op.Read(h, buf, 0), Duration.ofSeconds(5))));
        assertArrayEquals(pattern(4096, 2), toArray(buf, 4096));
        assertEquals(0, get(asys.submit(new Op.Nop(), Duration.ofSeconds(5))));
        assertEquals(0, get(asys.close(h)));
    }

    @Test
    void aStepOnAClosedHandleCancelsTheWholeChain() throws Exception {
        Path file = Files.writeString(dir.resolve("closed"), "x");
        FileHandle h = get(asys.open(file, O_RDONLY, 0));
        assertEquals(0, get(asys.close(h)));
        Chain chain = asys.chain();
        Counted c = new Counted();
        var nop = c.add(chain.then(new Op.Nop()));
        var read = c.add(chain.then(new Op.Read(h, buffer(16), 0)));
        var after = c.add(chain.then(new Op.Nop()));
        chain.submit();
        assertEquals(Errno.ECANCELED, errnoOf(nop));
        assertEquals(Errno.EBADF, errnoOf(read));
        assertEquals(Errno.ECANCELED, errnoOf(after));
        c.assertEachOnce();
    }

    @Test
    void misuseOfAChainIsRefused() throws Exception {
        Chain empty = asys.chain();
        assertThrows(IllegalStateException.class, empty::submit);
        assertThrows(IllegalStateException.class, empty::hardLink);
        Chain chain = asys.chain();
        var nop = chain.then(new Op.Nop());
        chain.submit();
        assertThrows(IllegalStateException.class, chain::submit);
        assertThrows(IllegalStateException.class, () -> chain.then(new Op.Nop()));
        assertEquals(0, get(nop));
    }
}
