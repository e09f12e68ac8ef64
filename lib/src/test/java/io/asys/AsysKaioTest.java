package io.asys;

import io.asys.kaio.IoContext;
import io.asys.kaio.IoEvent;
import io.asys.kaio.Iocb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.time.Duration;

import static io.asys.TypedApiTestSupport.buffer;
import static io.asys.TypedApiTestSupport.toArray;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * asys's KAIO against the conformance suite, on the engine {@code Asys.open()} picks (surefire
 * runs it on io_uring, on workers, and with io_uring blocked), plus what only asys does:
 * buffered reads that wait do not block the submitter, and any operation can be cancelled.
 */
class AsysKaioTest extends KaioConformance {
    private static Asys asys;

    @BeforeAll
    static void start() throws Exception {
        asys = Asys.open();
    }

    @AfterAll
    static void stop() {
        if (asys != null) {
            asys.close();
        }
    }

    @Override
    IoContext setup(int nrEvents) throws Exception {
        return IoContext.setup(asys, nrEvents);
    }

    @Override
    boolean kernel() {
        return false;
    }

    /**
     * Asys only: the kernel's AIO runs a buffered read inside io_submit, so a read of an empty
     * pipe would block the submitter until data came (see KernelKaioTest). Here it returns at once.
     */
    @Test
    void aBufferedReadThatWaitsDoesNotBlockTheSubmitter() throws Exception {
        int[] p = pipe();
        MemorySegment in = buffer(64);
        Iocb r = new Iocb().prepPread(p[0], in, 64, 0).data(3);
        long t0 = System.nanoTime();
        assertEquals(1, ctx.submit(r));
        assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "submit returned at once");
        assertEquals(0, ctx.getEvents(0, 1, new IoEvent[1], Duration.ofMillis(100)), "the read waits for data");
        put(p[1], new byte[] {9, 8, 7});
        IoEvent e = reap(1)[0];
        assertSame(r, e.iocb());
        assertEquals(3, e.res());
        assertArrayEquals(new byte[] {9, 8, 7}, toArray(in, 3));
    }

    /** Asys only: the kernel cancels nothing but POLL (EINVAL); asys cancels a waiting read too. */
    @Test
    void aWaitingReadCanBeCancelled() throws Exception {
        int[] p = pipe();
        Iocb r = new Iocb().prepPread(p[0], buffer(64), 64, 0);
        assertEquals(1, ctx.submit(r));
        assertEquals(-Errno.EINPROGRESS, ctx.cancel(r));
        IoEvent e = reap(1)[0];
        assertEquals(-Errno.ECANCELED, e.res());
    }

    @Test
    void theBackendNamesTheEngine() {
        assertEquals("asys-" + asys.engine(), ctx.backend());
    }

    @Test
    void aContextCanOwnItsAsys() throws Exception {
        IoContext own = IoContext.setup("workers", 4);
        assertEquals("asys-workers", own.backend());
        int[] p = pipe();
        Iocb poll = new Iocb().prepPoll(p[0], Iocb.POLLIN);
        assertEquals(1, own.submit(poll));
        assertEquals(0, own.destroy(), "cancels the poll, waits, closes its asys");
        assertEquals(-Errno.EINVAL, own.destroy());
        assertThrows(ErrnoException.class, () -> IoContext.setup("workers", 0));
        assertThrows(ErrnoException.class, () -> IoContext.setup(asys, 0));
    }
}
