package io.asys.cli.hash;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Bytes hashed so far, shown on stderr twice a second when stderr is a terminal, and the
 * printer of result lines (stdout) and errors (stderr), which clears the progress line first.
 * Thread-safe: file threads add bytes, the caller prints lines.
 */
final class HashProgress implements LongConsumer, AutoCloseable {
    private final AtomicLong bytes = new AtomicLong();
    private final Thread printer;
    private final long start = System.nanoTime();
    private volatile boolean running = true;
    private boolean shown;

    HashProgress(boolean show) {
        printer = show ? Thread.ofPlatform().daemon().name("asys-hash-progress").start(this::print) : null;
    }

    @Override
    public void accept(long n) {
        bytes.addAndGet(n);
    }

    private void print() {
        while (running) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long b = bytes.get();
            synchronized (this) {
                System.err.printf("\r  %,.0f MiB  %,.0f MiB/s ", b / 1048576.0, b / 1048576.0 / seconds);
                shown = true;
            }
        }
    }

    private void clear() {
        if (shown) {
            System.err.print("\r" + " ".repeat(40) + "\r");
            shown = false;
        }
    }

    /** Prints one outcome: a sha256sum line on stdout, or the error on stderr. */
    synchronized void printLine(HashRun.Outcome outcome) {
        clear();
        if (outcome.ok()) {
            System.out.println(line(outcome.hex(), outcome.path().toString()));
        } else {
            System.out.flush();
            System.err.println("asys hash: " + outcome.error());
        }
    }

    /**
     * The line sha256sum prints: {@code <hex>  <path>}; a path with a backslash, newline or
     * carriage return is escaped and the line starts with a backslash, as coreutils does.
     */
    static String line(String hex, String path) {
        if (path.indexOf('\\') < 0 && path.indexOf('\n') < 0 && path.indexOf('\r') < 0) {
            return hex + "  " + path;
        }
        String escaped = path.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
        return "\\" + hex + "  " + escaped;
    }

    @Override
    public synchronized void close() {
        running = false;
        if (printer != null) {
            printer.interrupt();
        }
        clear();
    }
}
