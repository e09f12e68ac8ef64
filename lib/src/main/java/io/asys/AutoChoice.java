package io.asys;

import java.util.concurrent.atomic.AtomicBoolean;

/** Logs, once per process, why {@code auto} chose the worker engine. */
final class AutoChoice {
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    private AutoChoice() {
    }

    static void logOnce(String cause) {
        if (LOGGED.compareAndSet(false, true)) {
            System.getLogger("io.asys").log(System.Logger.Level.INFO,
                    "asys: io_uring unavailable ({0}); using the worker engine", cause);
        }
    }
}
