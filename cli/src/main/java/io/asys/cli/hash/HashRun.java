package io.asys.cli.hash;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * One pass of one {@link FilePass} over all the files, {@code parallel} files at a time on
 * platform threads, each file on one thread; outcomes are handed on in the order of the files.
 */
final class HashRun {
    /** What one file gave: its digest (or null for a read-only pass), or the error that stopped it. */
    record Outcome(Path path, String hex, String error, long bytes) {
        boolean ok() {
            return error == null;
        }
    }

    /** All outcomes of a pass and its wall-clock time. */
    record Timed(List<Outcome> outcomes, double seconds, long bytes) {
    }

    private final List<Path> files;
    private final int parallel;
    private final String algo;

    HashRun(List<Path> files, int parallel, String algo) {
        this.files = files;
        this.parallel = parallel;
        this.algo = algo;
    }

    /** Runs the pass, hashing unless {@code hash} is false, and times it from first open to last byte. */
    Timed timed(FilePass pass, HashProgress progress, boolean hash) {
        long start = System.nanoTime();
        List<Outcome> outcomes = run(pass, progress, hash, o -> { });
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Timed(outcomes, seconds, outcomes.stream().mapToLong(Outcome::bytes).sum());
    }

    /** Hashes every file with {@code pass}, giving each outcome to {@code inOrder} in the files' order. */
    List<Outcome> run(FilePass pass, HashProgress progress, Consumer<Outcome> inOrder) {
        return run(pass, progress, true, inOrder);
    }

    private List<Outcome> run(FilePass pass, HashProgress progress, boolean hash, Consumer<Outcome> inOrder) {
        List<Outcome> outcomes = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(parallel,
                Thread.ofPlatform().daemon().name("asys-hash-", 0).factory())) {
            List<Future<Outcome>> pending = new ArrayList<>();
            for (Path file : files) {
                pending.add(pool.submit(() -> one(pass, file, hash, progress)));
            }
            for (Future<Outcome> f : pending) {
                Outcome o = join(f);
                outcomes.add(o);
                inOrder.accept(o);
            }
        }
        return outcomes;
    }

    private static Outcome join(Future<Outcome> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private Outcome one(FilePass pass, Path file, boolean hash, HashProgress progress) {
        Digester digester = hash ? Digester.of(algo) : null;
        try {
            long bytes = pass.run(file, digester, progress);
            return new Outcome(file, digester == null ? null : digester.hex(), null, bytes);
        } catch (IOException | RuntimeException e) {
            String message = String.valueOf(e.getMessage());
            return new Outcome(file, null, message.contains(file.toString()) ? message : file + ": " + message, 0);
        }
    }
}
