package io.asys.cli.bench;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Completed-operation counters, one per bench thread, written with release stores and read by a
 * printer thread that shows the rate on a terminal once a second.
 */
public final class Progress implements AutoCloseable {
    private final AtomicLongArray done;
    private final Thread printer;
    private volatile boolean running = true;

    public Progress(int threads, boolean show) {
        done = new AtomicLongArray(threads);
        printer = show ? Thread.ofPlatform().daemon().name("asys-progress").start(this::print) : null;
    }

    public void update(int thread, long ops) {
        done.lazySet(thread, ops);
    }

    private long total() {
        long t = 0;
        for (int i = 0; i < done.length(); i++) {
            t += done.get(i);
        }
        return t;
    }

    private void print() {
        long start = System.nanoTime();
        long last = 0;
        while (running) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            long now = total();
            System.err.printf("\r  %5.1f s  %,12d ops  %,12d ops/s ", (System.nanoTime() - start) / 1e9, now, now - last);
            last = now;
        }
    }

    @Override
    public void close() {
        running = false;
        if (printer != null) {
            printer.interrupt();
            System.err.print("\r" + " ".repeat(60) + "\r");
        }
    }
}
