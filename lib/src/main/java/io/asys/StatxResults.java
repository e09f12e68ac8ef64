package io.asys;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The results of one {@link Op.StatxAll}: for each path, in order, its {@link Statx} or the errno
 * its statx(2) failed with. One failing path does not fail the others; a batch cancelled part
 * way reports {@code ECANCELED} for the paths it did not reach.
 */
public final class StatxResults {
    private final List<Path> files;
    private final Statx[] results;
    private final int[] errnos;

    /** Made by the engines: {@code results[i]} or {@code errnos[i]} (positive) for {@code files.get(i)}. */
    public StatxResults(List<Path> files, Statx[] results, int[] errnos) {
        if (results.length != files.size() || errnos.length != files.size()) {
            throw new IllegalArgumentException("one result per path: " + files.size() + " paths, "
                    + results.length + " results, " + errnos.length + " errnos");
        }
        this.files = files;
        this.results = results;
        this.errnos = errnos;
    }

    /** How many paths the batch held. */
    public int size() {
        return results.length;
    }

    /** The {@code i}-th path. */
    public Path file(int i) {
        return files.get(i);
    }

    /** Whether the {@code i}-th statx succeeded. */
    public boolean succeeded(int i) {
        return errnos[i] == 0;
    }

    /** The {@code i}-th result, or {@code null} when that statx failed ({@link #errno(int)} says why). */
    public Statx statx(int i) {
        return results[i];
    }

    /** The errno the {@code i}-th statx failed with, or 0 when it succeeded. */
    public int errno(int i) {
        return errnos[i];
    }

    /**
     * The {@code i}-th result, or the failure as the single-path {@code statx} reports it (a
     * {@link java.nio.file.NoSuchFileException}, an {@link java.nio.file.AccessDeniedException},
     * ... carrying the errno name, the operation and the path).
     */
    public Statx get(int i) throws IOException {
        if (errnos[i] != 0) {
            throw Errors.exception("statx", files.get(i).toString(), -errnos[i]);
        }
        return results[i];
    }

    @Override
    public String toString() {
        int failed = 0;
        for (int e : errnos) {
            failed += e != 0 ? 1 : 0;
        }
        return "StatxResults[" + results.length + " paths, " + failed + " failed]";
    }
}
