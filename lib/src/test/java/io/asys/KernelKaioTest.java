package io.asys;

import io.asys.kaio.IoContext;
import io.asys.kaio.IoEvent;
import io.asys.kaio.Iocb;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.asys.TypedApiTestSupport.buffer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The kernel's own AIO against the same conformance suite (skipped where io_setup is refused),
 * plus its known limit, shown rather than stated: a buffered read runs inside io_submit.
 */
class KernelKaioTest extends KaioConformance {
    @Override
    IoContext setup(int nrEvents) throws Exception {
        try {
            return IoContext.setupKernel(nrEvents);
        } catch (ErrnoException e) {
            Assumptions.abort("kernel AIO unavailable here: " + e.getMessage());
            throw e;
        }
    }

    @Override
    boolean kernel() {
        return true;
    }

    /** A buffered read of an empty pipe blocks io_submit itself until data comes. */
    @Test
    void aBufferedReadRunsSynchronouslyInsideSubmit() throws Exception {
        int[] p = pipe();
        Iocb r = new Iocb().prepPread(p[0], buffer(64), 64, 0);
        CompletableFuture<Integer> submit = CompletableFuture.supplyAsync(() -> ctx.submit(r));
        Thread.sleep(300);
        assertFalse(submit.isDone(), "io_submit is still inside the read");
        put(p[1], new byte[] {1, 2});
        assertEquals(1, submit.get(5, TimeUnit.SECONDS));
        assertEquals(2, reap(1)[0].res(), "the event was ready when io_submit returned");
    }

    /** The kernel cancels only POLL: a read in flight answers EINVAL, and completes anyway. */
    @Test
    void cancellingAnythingButPollIsRefused() throws Exception {
        int fd = directFile("nocancel", 1);
        Iocb r = new Iocb().prepPread(fd, buffer(BS), BS, 0);
        assertEquals(1, ctx.submit(r));
        assertEquals(-Errno.EINVAL, ctx.cancel(r));
        assertEquals(BS, reap(1)[0].res());
        assertEquals(0, ctx.getEvents(0, 1, new IoEvent[1], Duration.ZERO));
    }

    @Test
    void theBackendIsTheKernel() {
        assertEquals("kernel", ctx.backend());
    }
}
