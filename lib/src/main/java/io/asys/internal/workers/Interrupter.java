package io.asys.internal.workers;

import io.asys.internal.linux.InterruptSignal;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Interrupts a thread's blocking call and keeps interrupting it until it has left that call. One
 * signal is not enough: a signal that lands after the thread last looked at its cancel flag but
 * before it entered the kernel runs its (empty) handler in user space and is gone, and the call
 * then blocks as if nobody had asked (the JDK re-signals for the same reason when it closes a
 * channel). Re-sends come from one daemon thread, made on the first interrupt that needs it,
 * after 1 ms and then at doubling intervals up to 64 ms, while {@code stillIn} says the thread is
 * in the call: calls the kernel does not interrupt (a statx waiting for the disk) just finish.
 */
final class Interrupter {
    private static final long FIRST_RESEND_MICROS = 1_000;
    private static final long MAX_RESEND_MICROS = 64_000;

    private Interrupter() {
    }

    /** The re-sending thread, made on first use. */
    private static final class Resender {
        static final ScheduledThreadPoolExecutor TIMER = timer();

        private static ScheduledThreadPoolExecutor timer() {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1,
                    Thread.ofPlatform().daemon().name("asys-interrupt").factory());
            t.setRemoveOnCancelPolicy(true);
            return t;
        }
    }

    /**
     * Signals thread {@code tid} now and again while {@code stillIn} is true (it must turn false
     * once the thread has left the call being interrupted, whatever the call returned). Returns
     * whether the first signal was sent.
     */
    static boolean interrupt(int tid, BooleanSupplier stillIn) {
        if (!InterruptSignal.interrupt(tid)) {
            return false;
        }
        resendLater(tid, stillIn, FIRST_RESEND_MICROS);
        return true;
    }

    private static void resendLater(int tid, BooleanSupplier stillIn, long afterMicros) {
        Resender.TIMER.schedule(() -> {
            if (stillIn.getAsBoolean() && InterruptSignal.interrupt(tid)) {
                resendLater(tid, stillIn, Math.min(MAX_RESEND_MICROS, afterMicros * 2));
            }
        }, afterMicros, TimeUnit.MICROSECONDS);
    }
}
