package io.asys;

import io.asys.internal.linux.LibC;
import io.asys.internal.linux.Syscall;
import io.asys.internal.linux.SyscallNumbers;
import io.asys.kaio.IoContext;
import io.asys.kaio.IoEvent;
import io.asys.kaio.Iocb;
import io.asys.uring.IoVecs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.asys.TypedApiTestSupport.buffer;
import static io.asys.TypedApiTestSupport.bytes;
import static io.asys.TypedApiTestSupport.pattern;
import static io.asys.TypedApiTestSupport.toArray;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The KAIO conformance suite: one set of tests of the kernel's semantics, run against asys's
 * KAIO ({@link AsysKaioTest}, on every engine) and against the kernel's own AIO
 * ({@link KernelKaioTest}), with the same expected results. Files are opened with O_DIRECT, where
 * the kernel's AIO is asynchronous. Each test states where the two differ, and why.
 */
abstract class KaioConformance {
    static final int BS = 4096;
    static final int EFD_NONBLOCK = 04000;
    static final int EFD_CLOEXEC = 02000000;

    @TempDir
    Path dir;

    IoContext ctx;
    private final List<Integer> fds = new ArrayList<>();

    /** A new context of {@code nrEvents} on the implementation under test. */
    abstract IoContext setup(int nrEvents) throws Exception;

    /** Whether the implementation under test is the kernel's AIO. */
    abstract boolean kernel();

    @BeforeEach
    void open() throws Exception {
        ctx = setup(64);
    }

    @AfterEach
    void close() throws Exception {
        ctx.destroy(); // EINVAL when a test destroyed it already
        for (int fd : fds) {
            FileDescriptors.close(fd);
        }
    }

    int track(int fd) {
        fds.add(fd);
        return fd;
    }

    /** A file of {@code blocks} blocks of pattern data, opened O_DIRECT read-write. */
    int directFile(String name, int blocks) throws Exception {
        Path p = dir.resolve(name);
        byte[] all = new byte[blocks * BS];
        for (int b = 0; b < blocks; b++) {
            System.arraycopy(pattern(BS, b), 0, all, b * BS, BS);
        }
        Files.write(p, all);
        return track(FileDescriptors.open(p, FileDescriptors.O_RDWR | FileDescriptors.O_DIRECT, 0));
    }

    /**
     * A pipe: {read end, write end}, empty until {@link #put} writes to it. (Not a FIFO opened
     * read-write: the kernel's AIO refuses to poll a file that waits on two queues, EINVAL.)
     */
    int[] pipe() {
        MemorySegment fds2 = Arena.ofAuto().allocate(8, 4);
        long r = new Syscall().call(SyscallPolicy.number("pipe2"), fds2.address(), FileDescriptors.O_CLOEXEC, 0, 0, 0, 0);
        assertEquals(0, r, () -> "pipe2: " + Errno.describe((int) r));
        return new int[] {track(fds2.get(ValueLayout.JAVA_INT, 0)), track(fds2.get(ValueLayout.JAVA_INT, 4))};
    }

    static void put(int fd, byte[] data) {
        assertEquals(data.length, new LibC().write(fd, bytes(data), data.length));
    }

    int eventfd() {
        int fd = new LibC().eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        assertTrue(fd >= 0, () -> "eventfd: " + Errno.describe(fd));
        return track(fd);
    }

    /**
     * Sums an eventfd's counter until it reaches {@code expected} (5 s at most), then checks that
     * no more comes within 50 ms. The signal follows the event (as in the kernel), so a reaper
     * can see the event a moment before the count.
     */
    static void assertCount(long expected, int eventfd) throws InterruptedException {
        long sum = 0;
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (sum < expected && System.nanoTime() < deadline) {
            sum += counter(eventfd);
            if (sum < expected) {
                Thread.sleep(1);
            }
        }
        Thread.sleep(50);
        sum += counter(eventfd);
        assertEquals(expected, sum, "eventfd count");
    }

    /** Reads (and resets) an eventfd's counter; 0 when it is zero. */
    static long counter(int eventfd) {
        MemorySegment v = Arena.ofAuto().allocate(8, 8);
        long r = new Syscall().call(SyscallNumbers.READ, eventfd, v.address(), 8, 0, 0, 0);
        if (r == -Errno.EAGAIN) {
            return 0;
        }
        assertEquals(8, r, () -> Errno.describe((int) r));
        return v.get(ValueLayout.JAVA_LONG, 0);
    }

    /** Reaps exactly {@code n} events within 5 s. */
    IoEvent[] reap(int n) {
        IoEvent[] events = new IoEvent[n];
        int got = 0;
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (got < n && System.nanoTime() < deadline) {
            IoEvent[] part = new IoEvent[n - got];
            int r = ctx.getEvents(n - got, n - got, part, Duration.ofSeconds(5));
            assertTrue(r >= 0, () -> "getEvents: " + Errno.describe(r));
            System.arraycopy(part, 0, events, got, r);
            got += r;
        }
        assertEquals(n, got, "events reaped");
        return events;
    }

    static IoEvent byIocb(IoEvent[] events, Iocb cb) {
        for (IoEvent e : events) {
            if (e.iocb() == cb) {
                return e;
            }
        }
        throw new AssertionError("no event for " + cb);
    }

    @Test
    void pwriteThenPreadRoundTripWithCookiesAndIdentity() throws Exception {
        int fd = directFile("rw", 4);
        Iocb w1 = new Iocb().prepPwrite(fd, bytes(pattern(BS, 40)), BS, 0).data(0xC0FFEE_0001L);
        Iocb w2 = new Iocb().prepPwrite(fd, bytes(pattern(BS, 41)), BS, 2 * BS).data(-2L);
        assertEquals(2, ctx.submit(w1, w2));
        IoEvent[] ev = reap(2);
        assertEquals(0xC0FFEE_0001L, byIocb(ev, w1).data());
        assertEquals(-2L, byIocb(ev, w2).data());
        for (IoEvent e : ev) {
            assertEquals(BS, e.res());
            assertEquals(0, e.res2());
        }
        MemorySegment b1 = buffer(BS);
        MemorySegment b2 = buffer(BS);
        Iocb r1 = new Iocb().prepPread(fd, b1, BS, 0).data(7);
        Iocb r2 = new Iocb().prepPread(fd, b2, BS, 2 * BS).data(8);
        assertEquals(2, ctx.submit(r1, r2));
        ev = reap(2);
        assertEquals(BS, byIocb(ev, r1).res());
        assertEquals(7, byIocb(ev, r1).data());
        assertArrayEquals(pattern(BS, 40), toArray(b1, BS));
        assertArrayEquals(pattern(BS, 41), toArray(b2, BS));
    }

    @Test
    void preadAtEndOfFileReadsZeroBytes() throws Exception {
        int fd = directFile("eof", 1);
        Iocb r = new Iocb().prepPread(fd, buffer(BS), BS, 8 * BS);
        assertEquals(1, ctx.submit(r));
        assertEquals(0, reap(1)[0].res());
    }

    @Test
    void pwritevThenPreadvGatherAndScatter() throws Exception {
        int fd = directFile("vec", 4);
        IoVecs out = IoVecs.allocate(2).set(0, bytes(pattern(BS, 50))).set(1, bytes(pattern(BS, 51)));
        Iocb w = new Iocb().prepPwritev(fd, out, BS);
        assertEquals(1, ctx.submit(w));
        assertEquals(2 * BS, reap(1)[0].res());
        MemorySegment a = buffer(BS);
        MemorySegment b = buffer(BS);
        Iocb r = new Iocb().prepPreadv(fd, IoVecs.allocate(2).set(0, a).set(1, b), BS);
        assertEquals(1, ctx.submit(r));
        IoEvent e = reap(1)[0];
        assertSame(r, e.iocb());
        assertEquals(2 * BS, e.res());
        assertArrayEquals(pattern(BS, 50), toArray(a, BS));
        assertArrayEquals(pattern(BS, 51), toArray(b, BS));
    }

    @Test
    void fsyncAndFdsyncComplete() throws Exception {
        int fd = directFile("sync", 1);
        Iocb s = new Iocb().prepFsync(fd).data(1);
        Iocb d = new Iocb().prepFdsync(fd).data(2);
        assertEquals(2, ctx.submit(s, d));
        IoEvent[] ev = reap(2);
        assertEquals(0, byIocb(ev, s).res());
        assertEquals(0, byIocb(ev, d).res());
    }

    @Test
    void fsyncOfAPipeFailsInItsEventOrAtSubmit() throws Exception {
        // A pipe has no fsync: the kernel refuses it at submit (EINVAL); so does asys.
        int[] p = pipe();
        int r = ctx.submit(new Iocb().prepFsync(p[0]));
        if (r == 1) {
            assertEquals(-Errno.EINVAL, reap(1)[0].res());
        } else {
            assertEquals(-Errno.EINVAL, r);
        }
    }

    @Test
    void pollCompletesWithTheReadyMask() throws Exception {
        int[] p = pipe();
        Iocb poll = new Iocb().prepPoll(p[0], Iocb.POLLIN).data(99);
        assertEquals(1, ctx.submit(poll));
        IoEvent[] ev = new IoEvent[1];
        assertEquals(0, ctx.getEvents(0, 1, ev, Duration.ZERO), "nothing to read yet");
        put(p[1], new byte[] {1});
        IoEvent e = reap(1)[0];
        assertSame(poll, e.iocb());
        assertEquals(99, e.data());
        // The ready mask has POLLIN; the kernel adds the rest of the wake-up's mask (POLLRDNORM)
        // when the poll waited, and masks it to the requested events when it was ready at once.
        assertEquals(Iocb.POLLIN, e.res() & Iocb.POLLIN, () -> "mask " + e.res());
    }

    @Test
    void noopCompletesOnAsysAndTheKernelRefusesIt() throws Exception {
        int fd = directFile("noop", 1);
        Iocb n = new Iocb().prepNoop(fd).data(5);
        if (kernel()) {
            // The kernel defines IOCB_CMD_NOOP but never implemented it.
            assertEquals(-Errno.EINVAL, ctx.submit(n));
        } else {
            assertEquals(1, ctx.submit(n));
            IoEvent e = reap(1)[0];
            assertEquals(5, e.data());
            assertEquals(0, e.res());
        }
    }

    @Test
    void aBadDescriptorInTheMiddleOfABatchStopsItThere() throws Exception {
        int fd = directFile("batch", 4);
        int closed = FileDescriptors.open(dir.resolve("batch"), FileDescriptors.O_RDONLY, 0);
        FileDescriptors.close(closed);
        Iocb[] batch = {
            new Iocb().prepPread(fd, buffer(BS), BS, 0).data(0),
            new Iocb().prepPread(fd, buffer(BS), BS, BS).data(1),
            new Iocb().prepPread(closed, buffer(BS), BS, 0).data(2),
            new Iocb().prepPread(fd, buffer(BS), BS, 2 * BS).data(3),
        };
        assertEquals(2, ctx.submit(batch));
        IoEvent[] ev = reap(2);
        assertEquals(BS, byIocb(ev, batch[0]).res());
        assertEquals(BS, byIocb(ev, batch[1]).res());
        assertEquals(0, ctx.getEvents(0, 1, new IoEvent[1], Duration.ofMillis(50)), "the rest never ran");
        // The first iocb bad: its errno.
        assertEquals(-Errno.EBADF, ctx.submit(batch[2], batch[3]));
        assertEquals(0, ctx.submit(0, batch));
        assertEquals(-Errno.EINVAL, ctx.submit(-1, batch));
    }

    @Test
    void submitRefusesWhatTheKernelRefusesSynchronously() throws Exception {
        int fd = directFile("refused", 1);
        int readOnly = track(FileDescriptors.open(dir.resolve("refused"), FileDescriptors.O_RDONLY, 0));
        assertEquals(-Errno.EBADF, ctx.submit(new Iocb().prepPwrite(readOnly, buffer(BS), BS, 0)), "not open for writing");
        assertEquals(-Errno.EINVAL, ctx.submit(new Iocb().prepPread(fd, buffer(BS), BS, -BS)), "negative offset");
        assertEquals(-Errno.EINVAL, ctx.submit(new Iocb().prepFsync(fd).rwFlags(Iocb.RWF_DSYNC)), "fsync takes no rw flags");
        assertEquals(-Errno.EOPNOTSUPP, ctx.submit(new Iocb().prepPread(fd, buffer(BS), BS, 0).rwFlags(1 << 30)));
        assertEquals(-Errno.EBADF, ctx.submit(new Iocb().prepPread(fd, buffer(BS), BS, 0).setEventfd(1_000_000)),
                "eventfd not open");
        assertEquals(-Errno.EFAULT, ctx.submit(new Iocb[] {null}));
        Arena arena = Arena.ofConfined();
        Iocb closed = new Iocb().prepPread(fd, arena.allocate(BS, 4096), BS, 0);
        arena.close();
        assertEquals(-Errno.EFAULT, ctx.submit(closed), "a buffer whose arena is closed never reaches the kernel");
        assertEquals(0, ctx.getEvents(0, 4, new IoEvent[4], Duration.ZERO), "nothing was queued");
    }

    @Test
    void rwFlagsReachTheWrite() throws Exception {
        int fd = directFile("flags", 2);
        Iocb w = new Iocb().prepPwrite(fd, bytes(pattern(BS, 60)), BS, BS).rwFlags(Iocb.RWF_DSYNC | Iocb.RWF_HIPRI);
        assertEquals(1, ctx.submit(w));
        assertEquals(BS, reap(1)[0].res());
        MemorySegment in = buffer(BS);
        assertEquals(1, ctx.submit(new Iocb().prepPread(fd, in, BS, BS).rwFlags(Iocb.RWF_SYNC)));
        assertEquals(BS, reap(1)[0].res());
        assertArrayEquals(pattern(BS, 60), toArray(in, BS));
    }

    @Test
    void getEventsReturnsEarlyWithMinNrAndTimesOutOtherwise() throws Exception {
        int fd = directFile("min", 2);
        int[] p = pipe();
        Iocb poll = new Iocb().prepPoll(p[0], Iocb.POLLIN);
        Iocb[] batch = {
            new Iocb().prepPread(fd, buffer(BS), BS, 0),
            new Iocb().prepPread(fd, buffer(BS), BS, BS),
            poll,
        };
        assertEquals(3, ctx.submit(batch));
        IoEvent[] ev = new IoEvent[3];
        long t0 = System.nanoTime();
        int got = 0;
        while (got < 2) {
            int r = ctx.getEvents(2 - got, 3, ev, Duration.ofSeconds(10));
            assertTrue(r > 0);
            for (int i = 0; i < r; i++) {
                assertTrue(ev[i].iocb() != poll, "the poll cannot have completed");
            }
            got += r;
        }
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "returned once min_nr events were there, long before 10 s");

        t0 = System.nanoTime();
        assertEquals(0, ctx.getEvents(1, 1, ev, Duration.ofMillis(200)), "times out with fewer than min_nr");
        long waited = System.nanoTime() - t0;
        assertTrue(waited >= 150_000_000L, "waited " + waited + " ns for the timeout");

        assertEquals(-Errno.EINVAL, ctx.getEvents(2, 1, ev, Duration.ZERO), "min_nr > nr");
        assertEquals(-Errno.EINVAL, ctx.getEvents(-1, 1, ev, Duration.ZERO));
        put(p[1], new byte[] {1});
        assertEquals(1, ctx.getEvents(1, 3, ev, null), "no timeout: waits for it");
        assertSame(poll, ev[0].iocb());
    }

    @Test
    void cancellingAPendingPollDeliversItsEvent() throws Exception {
        int[] p = pipe();
        Iocb poll = new Iocb().prepPoll(p[0], Iocb.POLLIN).data(42);
        assertEquals(-Errno.EINVAL, ctx.cancel(poll), "not submitted yet");
        assertEquals(1, ctx.submit(poll));
        assertEquals(-Errno.EINPROGRESS, ctx.cancel(poll));
        IoEvent e = reap(1)[0];
        assertSame(poll, e.iocb());
        assertEquals(42, e.data());
        assertEquals(0, e.res(), "a cancelled poll completes with no events ready");
        assertEquals(-Errno.EINVAL, ctx.cancel(poll), "no longer in flight");
    }

    @Test
    void destroyWaitsForEveryOperationInFlightAndLosesNone() throws Exception {
        int fd = directFile("destroy", 16);
        int[] p = pipe();
        int efd = eventfd();
        Iocb[] batch = new Iocb[17];
        for (int i = 0; i < 16; i++) {
            batch[i] = new Iocb().prepPwrite(fd, bytes(pattern(BS, 100 + i)), BS, (long) i * BS).setEventfd(efd);
        }
        batch[16] = new Iocb().prepPoll(p[0], Iocb.POLLIN).setEventfd(efd);
        assertEquals(17, ctx.submit(batch));
        assertEquals(0, ctx.destroy());
        // Every operation completed (the pending poll cancelled) and signalled before destroy returned.
        assertEquals(17, counter(efd), "eventfd count when destroy returned");
        byte[] data = Files.readAllBytes(dir.resolve("destroy"));
        for (int i = 0; i < 16; i++) {
            assertArrayEquals(pattern(BS, 100 + i), java.util.Arrays.copyOfRange(data, i * BS, (i + 1) * BS), "block " + i);
        }
        assertEquals(-Errno.EINVAL, ctx.submit(new Iocb().prepFsync(fd)));
        assertEquals(-Errno.EINVAL, ctx.getEvents(0, 1, new IoEvent[1], Duration.ZERO));
        assertEquals(-Errno.EINVAL, ctx.destroy());
    }

    @Test
    void eachCompletionAddsOneToItsEventfd() throws Exception {
        int fd = directFile("efd", 8);
        int efd = eventfd();
        int other = eventfd();
        Iocb[] batch = new Iocb[8];
        for (int i = 0; i < 8; i++) {
            batch[i] = new Iocb().prepPread(fd, buffer(BS), BS, (long) i * BS).setEventfd(i < 5 ? efd : other);
        }
        assertEquals(8, ctx.submit(batch));
        reap(8);
        assertCount(5, efd);
        assertCount(3, other);
        // Without IOCB_FLAG_RESFD no eventfd is touched.
        assertEquals(1, ctx.submit(new Iocb().prepPread(fd, buffer(BS), BS, 0)));
        reap(1);
        assertEquals(0, counter(efd));
    }

    @Test
    void aFullContextRefusesWithEagain() throws Exception {
        // Asys holds exactly nr_events; the kernel rounds nr_events up (per CPU), so the bound is "at least".
        ctx.destroy();
        ctx = setup(4);
        int[] p = pipe();
        List<Iocb> polls = new ArrayList<>();
        int r;
        do {
            Iocb cb = new Iocb().prepPoll(p[0], Iocb.POLLIN);
            r = ctx.submit(cb);
            if (r == 1) {
                polls.add(cb);
            }
        } while (r == 1 && polls.size() < 4096);
        assertEquals(-Errno.EAGAIN, r);
        assertTrue(polls.size() >= 4, "holds at least nr_events: " + polls.size());
        if (!kernel()) {
            assertEquals(4, polls.size());
        }
        put(p[1], new byte[] {1});
        reap(polls.size());
        assertEquals(1, ctx.submit(new Iocb().prepPoll(p[0], Iocb.POLLIN)), "room again once reaped");
        reap(1);
    }

    @Test
    void manySubmittersOneReaperEveryEventExactlyOnce() throws Exception {
        int fd = directFile("threads", 8);
        int threads = 4;
        int perThread = 300;
        java.util.concurrent.atomic.AtomicInteger submitted = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            submitters.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    Iocb cb = new Iocb().prepPread(fd, buffer(BS), BS, (long) (i % 8) * BS).data(base + i);
                    int r;
                    while ((r = ctx.submit(cb)) == -Errno.EAGAIN) {
                        Thread.onSpinWait(); // full: the reaper makes room
                    }
                    int res = r;
                    assertEquals(1, res, () -> "submit: " + Errno.describe(res));
                    submitted.incrementAndGet();
                }
            }));
        }
        boolean[] seen = new boolean[threads * perThread];
        IoEvent[] ev = new IoEvent[16];
        int reaped = 0;
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (reaped < seen.length && System.nanoTime() < deadline) {
            int n = ctx.getEvents(1, ev.length, ev, Duration.ofMillis(100));
            assertTrue(n >= 0, () -> Errno.describe(n));
            for (int i = 0; i < n; i++) {
                assertEquals(BS, ev[i].res());
                int cookie = (int) ev[i].data();
                assertTrue(!seen[cookie], "event " + cookie + " twice");
                seen[cookie] = true;
            }
            reaped += n;
        }
        for (Thread t : submitters) {
            t.join();
        }
        assertEquals(seen.length, submitted.get());
        assertEquals(seen.length, reaped);
        assertEquals(0, ctx.getEvents(0, 1, ev, Duration.ofMillis(20)), "nothing more");
    }

    @Test
    void destroyRacingASubmitterWaitsForEverySubmitThatSucceeded() throws Exception {
        int fd = directFile("race", 8);
        int efd = eventfd();
        java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        Thread submitter = Thread.ofPlatform().start(() -> {
            IoEvent[] ev = new IoEvent[8];
            for (int i = 0; ; i++) {
                Iocb cb = new Iocb().prepPread(fd, buffer(BS), BS, (long) (i % 8) * BS).setEventfd(efd);
                int r = ctx.submit(cb);
                if (r == 1) {
                    accepted.incrementAndGet();
                    started.countDown();
                } else if (r == -Errno.EAGAIN) {
                    ctx.getEvents(0, ev.length, ev, Duration.ZERO);
                } else {
                    assertEquals(-Errno.EINVAL, r, "only a destroyed context refuses");
                    return;
                }
            }
        });
        started.await();
        Thread.sleep(20);
        assertEquals(0, ctx.destroy());
        long atDestroy = counter(efd);
        submitter.join(5000);
        // A submit that returned 1 after destroy returned is impossible; each accepted one was counted.
        assertEquals(accepted.get(), atDestroy, "eventfd count when destroy returned");
    }
}
