package io.asys.cli.fuzz;

import io.asys.Asys;
import io.asys.FileDescriptors;
import io.asys.FileHandle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Random;

/**
 * One lane of the fuzzer: a directory under test and its mirror for the oracle, with the same
 * content, and a file open in each (an asys handle, a plain fd). Operations of one round touch
 * one lane each, so lanes never interfere and each lane's order is the submission order.
 * A lane whose two sides may have diverged (a cancelled write) is replaced by a fresh one.
 * Used by the fuzzer's thread only.
 */
final class Lane {
    /** The names operations pick from, relative to the lane's directory. */
    static final String[] NAMES = {"f", "g", "d", "d/f", "d/g", "l", "nodir/x", "f/x", "d/"};
    private static final int COMPARED_BYTES = 1 << 16;
    private static final int HISTORY = 40;

    final int index;
    private final Path sutRoot;
    private final Path oraRoot;
    private int generation;
    Path sut;
    Path ora;
    FileHandle handle;
    int oraFd = -1;
    boolean handleClosed;
    /** The registered buffers of the current Asys; this lane uses the one at its index. */
    io.asys.uring.FixedBuffers fixed;
    /** What was done on this lane since it was created (the last {@value #HISTORY} entries), for a failure's report. */
    private final java.util.ArrayDeque<String> history = new java.util.ArrayDeque<>();

    Lane(int index, Path sutRoot, Path oraRoot) {
        this.index = index;
        this.sutRoot = sutRoot;
        this.oraRoot = oraRoot;
    }

    /** Fresh directories with the same content on both sides, and the file {@code f} open read-write. */
    void create(Asys asys, Oracle oracle, Random rnd) throws IOException {
        if (sut != null) {
            // The old pair goes now (an operation the JDK cancelled may still touch it: harmless).
            FuzzRun.deleteTree(sut);
            FuzzRun.deleteTree(ora);
        }
        generation++;
        history.clear();
        sut = sutRoot.resolve("L" + index + "g" + generation);
        ora = oraRoot.resolve("L" + index + "g" + generation);
        byte[] content = new byte[rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(20_000)];
        rnd.nextBytes(content);
        for (Path p : new Path[] {sut, ora}) {
            Files.createDirectories(p.resolve("d"));
            Files.write(p.resolve("f"), content);
            Files.write(p.resolve("d/f"), Arrays.copyOf(content, content.length / 3));
        }
        reopen(asys, oracle, "f", FileDescriptors.O_RDWR, 0644);
    }

    /** Notes one action on this lane with its outcomes. */
    void record(long round, String what) {
        if (history.size() == HISTORY) {
            history.poll();
        }
        history.add("round " + round + ": " + what);
    }

    /** The lane's recent actions, oldest first, one per line. */
    String history() {
        return "lane " + index + " generation " + generation + " (handle " + handle + ", oracle fd " + oraFd + "):\n  "
                + String.join("\n  ", history);
    }

    /** Closes both sides' files, then opens {@code name} on each: the two results, as outcomes. */
    long[] reopen(Asys asys, Oracle oracle, String name, int flags, int mode) {
        closeHandles(asys, oracle);
        long s;
        try {
            handle = asys.open(Path.of(side(sut, name)), flags, mode).join();
            s = 0;
        } catch (RuntimeException e) {
            handle = null;
            s = Outcome.of(null, e);
        }
        long o = oracle.openat(Path.of(side(ora, name)).toString(), flags, mode);
        oraFd = o >= 0 ? (int) o : -1;
        if (o >= 0) {
            o = 0;
        }
        return new long[] {s, o};
    }

    /** Closes both files (the asys handle after its operations in flight). */
    void closeHandles(Asys asys, Oracle oracle) {
        if (handle != null && handle.isOpen()) {
            asys.close(handle);
        }
        if (oraFd >= 0 && !handleClosed) {
            oracle.close(oraFd);
        }
        handle = null;
        oraFd = -1;
        handleClosed = false;
    }

    /** Closes both files but keeps the asys handle: later operations on it must fail with EBADF. */
    void closeButKeep(Asys asys, Oracle oracle) {
        if (handle != null && handle.isOpen()) {
            asys.close(handle).join();
        }
        if (oraFd >= 0 && !handleClosed) {
            oracle.close(oraFd);
        }
        handleClosed = true;
    }

    /** The path of {@code name} on one side: "" stays empty (ENOENT), other names are under the lane. */
    static String side(Path dir, String name) {
        return name.isEmpty() ? "" : dir + "/" + name;
    }

    /** Null if both sides hold the same names, types, sizes and first 64 KiB of each file, else the difference. */
    String compare() {
        for (String n : NAMES) {
            String d = compare(n);
            if (d != null) {
                return "lane " + index + " '" + n + "': " + d;
            }
        }
        return null;
    }

    private String compare(String name) {
        Path a = Path.of(side(sut, name));
        Path b = Path.of(side(ora, name));
        BasicFileAttributes x = attributes(a);
        BasicFileAttributes y = attributes(b);
        if (x == null || y == null) {
            return x == y ? null : "exists on one side only (test side: " + (x != null) + ")";
        }
        if (x.isDirectory() != y.isDirectory() || x.isSymbolicLink() != y.isSymbolicLink()) {
            return "different types";
        }
        if (x.isRegularFile() && x.size() != y.size()) {
            return "sizes " + x.size() + " and " + y.size();
        }
        if (x.isRegularFile() && !Arrays.equals(head(a), head(b))) {
            return "different content in the first " + COMPARED_BYTES + " bytes";
        }
        return null;
    }

    private static BasicFileAttributes attributes(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
    }

    private static byte[] head(Path p) {
        try (FileChannel ch = FileChannel.open(p)) {
            ByteBuffer b = ByteBuffer.allocate(COMPARED_BYTES);
            while (b.hasRemaining() && ch.read(b) > 0) {
                // reads until full or EOF
            }
            return Arrays.copyOf(b.array(), b.position());
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
