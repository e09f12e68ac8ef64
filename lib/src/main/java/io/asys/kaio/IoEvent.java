package io.asys.kaio;

/**
 * One completion, as {@code io_getevents} returns it in a {@code struct io_event}: the caller's
 * cookie ({@code data}), the iocb it completes ({@code obj} in the kernel: here the {@link Iocb}
 * object itself), {@code res} (bytes transferred, the ready poll mask, 0, or {@code -errno}) and
 * {@code res2} (0 for every opcode the kernel implements today).
 *
 * @param data the iocb's {@link Iocb#data()} at the time it was submitted
 * @param iocb the submitted iocb (its identity, as the kernel's {@code obj} pointer)
 * @param res the result: {@code >= 0} on success, {@code -errno} on failure
 * @param res2 the secondary result, 0
 */
public record IoEvent(long data, Iocb iocb, long res, long res2) {
}
