package io.asys.nio;

import io.asys.Asys;

/**
 * The one asys of every {@link AsysFileSystemProvider}, opened on the first channel asked for.
 * While it opens (possibly reading files through java.nio.file, so through the provider, on this
 * very thread) and if it failed, {@link #get} returns null and the platform serves: no recursion,
 * no waiting. Thread-safe.
 */
final class LazyAsys {
    private static final int NONE = 0;
    private static final int OPENING = 1;
    private static final int READY = 2;
    private static final int FAILED = 3;
    private static final java.util.concurrent.atomic.AtomicInteger STATE = new java.util.concurrent.atomic.AtomicInteger();
    private static volatile Asys asys;

    private LazyAsys() {
    }

    static Asys getIfReady() {
        return STATE.get() == READY ? asys : null;
    }

    static Asys get() {
        int s = STATE.get();
        if (s == READY) {
            return asys;
        }
        // Opening (perhaps on this very thread, if opening reads a file) or failed: the platform serves.
        if (s != NONE || !STATE.compareAndSet(NONE, OPENING)) {
            return null;
        }
        try {
            asys = Asys.open();
            STATE.set(READY);
            if (Boolean.getBoolean(AsysFileSystemProvider.REPORT_PROP_NAME)) {
                Runtime.getRuntime().addShutdownHook(new Thread(LazyAsys::report, "asys-nio-report"));
            }
            return asys;
        } catch (Throwable t) {
            STATE.set(FAILED);
            System.err.println("asys.nio: asys could not open, file channels stay the platform's: " + t);
            return null;
        }
    }

    private static void report() {
        System.err.println("asys.nio: " + AsysFileSystemProvider.ASYS_CHANNELS.sum() + " channels on asys (engine " + asys.engine() + "), "
                + AsysFileSystemProvider.PLATFORM_CHANNELS.sum() + " on the platform provider");
    }
}
