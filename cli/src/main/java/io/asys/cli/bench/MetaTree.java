package io.asys.cli.bench;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The tree the metadata ops work on: {@code ROOT/d0..d99/f0..f(files/100 - 1)}, empty regular
 * files, and the scratch directory names that mkdir-unlink creates and removes under each
 * {@code d<i>}. File {@code k} of the tree is {@code d(k / perDir)/f(k % perDir)}: cycling
 * through {@code k} walks the tree directory by directory, as {@code find} would.
 */
public final class MetaTree {
    public static final int DIRS = 100;

    private MetaTree() {
    }

    /** Creates the missing directories and files of a tree of {@code files} files; prints one line when it does. */
    public static void ensure(Path root, int files, boolean quiet) throws IOException {
        int perDir = files / DIRS;
        boolean announced = quiet;
        for (int d = 0; d < DIRS; d++) {
            Path dir = root.resolve("d" + d);
            // Files are created in order, so the last one present means the directory is complete.
            if (Files.exists(dir.resolve("f" + (perDir - 1)))) {
                continue;
            }
            if (!announced) {
                System.err.printf("asys: creating tree %s (%d dirs x %,d files)%n", root, DIRS, perDir);
                announced = true;
            }
            Files.createDirectories(dir);
            for (int f = 0; f < perDir; f++) {
                try {
                    Files.createFile(dir.resolve("f" + f));
                } catch (FileAlreadyExistsException e) {
                    // left by an interrupted earlier creation
                }
            }
        }
    }

    /** The absolute path of file {@code k} of a tree of {@code files} files. */
    public static String file(Path root, int files, int k) {
        int perDir = files / DIRS;
        return root + "/d" + (k / perDir) + "/f" + (k % perDir);
    }

    /**
     * The scratch directory that context {@code slot} of thread {@code thread} creates and removes
     * under {@code d<dir>}. Distinct per (thread, slot), so no two pairs in flight share a name.
     */
    public static String scratch(Path root, int dir, int thread, int slot) {
        return root + "/d" + dir + "/.asys-mkdir-" + thread + "-" + slot;
    }

    /** Removes scratch directories an interrupted earlier run may have left, so mkdir does not meet EEXIST. */
    public static void removeScratch(Path root, int threads, int slots) throws IOException {
        for (int d = 0; d < DIRS; d++) {
            for (int t = 0; t < threads; t++) {
                for (int s = 0; s < slots; s++) {
                    Files.deleteIfExists(Path.of(scratch(root, d, t, s)));
                }
            }
        }
    }
}
