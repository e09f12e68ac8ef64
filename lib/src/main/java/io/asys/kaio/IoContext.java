package io.asys.kaio;

import io.asys.Asys;
import io.asys.ErrnoException;

import java.time.Duration;

/**
 * A KAIO context ({@code io_context_t}) with the kernel's semantics, in two implementations:
 * {@link #setup(Asys, int)} runs it on asys's generic engine (io_uring or workers), where
 * buffered I/O is asynchronous too; {@link #setupKernel(int)} is the kernel's own AIO
 * ({@code io_setup} and friends), kept for comparison. Results are the kernel's: {@code >= 0},
 * or {@code -errno} (see {@link io.asys.Errno}); nothing here throws for an expected condition.
 * Thread-safe: any thread may submit, reap, cancel.
 *
 * <p>A libaio program ports line by line: {@code io_setup(n, &ctx)} becomes
 * {@code IoContext.setup(asys, n)}, {@code io_submit(ctx, nr, iocbs)} {@code ctx.submit(nr, iocbs)},
 * {@code io_getevents(ctx, min, nr, events, ts)} {@code ctx.getEvents(min, nr, events, timeout)},
 * {@code io_cancel(ctx, iocb, &ev)} {@code ctx.cancel(iocb)}, {@code io_destroy(ctx)}
 * {@code ctx.destroy()}.
 */
public interface IoContext {
    /**
     * io_setup on asys: a context for at most {@code nrEvents} operations in flight or
     * completed and not yet reaped. {@code asys} stays the caller's (destroy does not close it).
     *
     * @throws ErrnoException EINVAL if {@code nrEvents < 1}
     */
    static IoContext setup(Asys asys, int nrEvents) throws ErrnoException {
        if (nrEvents < 1) {
            throw new ErrnoException("io_setup", null, -io.asys.Errno.EINVAL);
        }
        return new AsysIoContext(asys, nrEvents, false);
    }

    /**
     * io_setup on an asys of its own, on {@code engine} ({@code auto}, {@code uring} or
     * {@code workers}, as {@link Asys#open(String)}); destroy closes it.
     *
     * @throws ErrnoException EINVAL if {@code nrEvents < 1}, or why the engine could not start
     */
    static IoContext setup(String engine, int nrEvents) throws ErrnoException {
        if (nrEvents < 1) {
            throw new ErrnoException("io_setup", null, -io.asys.Errno.EINVAL);
        }
        return new AsysIoContext(Asys.open(engine), nrEvents, true);
    }

    /**
     * io_setup(2) itself: the kernel's AIO. Buffered reads and writes run synchronously inside
     * {@link #submit}; only O_DIRECT I/O, fsync and poll are asynchronous there.
     *
     * @throws ErrnoException as io_setup fails: EINVAL ({@code nrEvents < 1}), EAGAIN (over
     *         {@code /proc/sys/fs/aio-max-nr}), ENOSYS (a kernel without AIO), EPERM (seccomp)
     */
    static IoContext setupKernel(int nrEvents) throws ErrnoException {
        return KernelIoContext.setup(nrEvents);
    }

    /** io_submit of {@code iocbs[0..]}: see {@link #submit(int, Iocb[])}. */
    default int submit(Iocb... iocbs) {
        return submit(iocbs.length, iocbs);
    }

    /**
     * io_submit: queues {@code iocbs[0..nr)} in order and returns at once with how many were
     * queued. It stops at the first iocb it cannot queue and returns the count before it, or,
     * if that is the first, its {@code -errno}: EBADF (descriptor not open, or not open for that
     * direction; the eventfd not open), EINVAL (unknown opcode, negative offset, fields an opcode
     * does not take, a destroyed context), EAGAIN (the context is full), EOPNOTSUPP (unknown RWF
     * flags), EFAULT (a {@code null} iocb or a closed buffer). Failures of the I/O itself come in
     * the iocb's event.
     */
    int submit(int nr, Iocb[] iocbs);

    /**
     * io_getevents: waits until at least {@code minNr} events are there or {@code timeout} has
     * passed ({@code null}: no limit; zero: do not wait), then moves up to {@code nr} into
     * {@code events[0..)} and returns how many; fewer than {@code minNr} (maybe 0) when the
     * timeout expired. EINVAL if {@code minNr > nr}, {@code minNr < 0} or the context is destroyed;
     * EINTR if the waiting thread was interrupted before any event came.
     */
    int getEvents(int minNr, int nr, IoEvent[] events, Duration timeout);

    /**
     * io_cancel: asks to cancel {@code iocb}, in flight in this context. {@code -EINPROGRESS}:
     * cancellation started, the iocb's event comes through {@link #getEvents} (a cancelled POLL
     * with res 0, as in the kernel). EINVAL if the iocb is not in flight here (never submitted,
     * or already completed), or cannot be cancelled: the kernel cancels only POLL; asys cancels
     * any operation, which then completes with {@code -ECANCELED} or its own result if that came first.
     */
    int cancel(Iocb iocb);

    /**
     * io_destroy: cancels the pending POLLs, waits until every operation in flight has completed
     * (their eventfds signalled, their writes done: none is lost), discards unreaped events and
     * frees the context. Later calls return EINVAL. Do not call it from a thread the completions
     * need (an asys engine callback).
     */
    int destroy();

    /** {@code kernel}, or {@code asys-uring} / {@code asys-workers}. */
    String backend();
}
