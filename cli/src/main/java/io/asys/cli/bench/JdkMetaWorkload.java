package io.asys.cli.bench;

import io.asys.Errno;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The metadata ops the way plain JDK code does them, one blocking call at a time per thread:
 * {@code Files.readAttributes(p, BasicFileAttributes.class)} (statx),
 * {@code FileChannel.open(p, READ)} then {@code close()} (openclose),
 * {@code Files.createDirectory(p)} then {@code Files.delete(p)} (mkdir-unlink).
 * Engine {@code jdk-sync} is one thread; {@code jdk-pool} runs the same loop on {@code --threads}
 * platform threads, each on its own share of the files (and its own scratch names), which is the
 * cheapest parallel form: no hand-off per operation. One op is one file operation, as with uring.
 * The {@link Path}s are built once before the run.
 */
public final class JdkMetaWorkload implements Workload {
    static volatile long blackhole;

    private Path[] files;
    /** mkdir-unlink scratch directories, index thread * DIRS + dir. */
    private Path[] scratch;

    @Override
    public void prepare(BenchSpec spec) throws Exception {
        if (spec.op().equals("mkdir-unlink")) {
            MetaTree.removeScratch(spec.dir(), spec.threads(), 1);
            scratch = new Path[spec.threads() * MetaTree.DIRS];
            for (int t = 0; t < spec.threads(); t++) {
                for (int d = 0; d < MetaTree.DIRS; d++) {
                    scratch[t * MetaTree.DIRS + d] = Path.of(MetaTree.scratch(spec.dir(), d, t, 0));
                }
            }
        } else {
            files = new Path[spec.files()];
            for (int k = 0; k < files.length; k++) {
                files[k] = Path.of(MetaTree.file(spec.dir(), spec.files(), k));
            }
        }
    }

    @Override
    public ThreadResult run(BenchSpec spec, int threadIndex, Progress progress) {
        ThreadResult result = new ThreadResult();
        result.detail = "java.nio.file.Files, blocking, " + spec.threads() + " thread(s)";
        int kind = switch (spec.op()) {
            case "statx" -> 0;
            case "openclose" -> 1;
            default -> 2;
        };
        int from = spec.filesFrom(threadIndex);
        int to = spec.filesTo(threadIndex);
        int next = from;
        int dir = threadIndex * MetaTree.DIRS / spec.threads();
        long sink = 0;
        long limit = spec.opsPerThread();
        long start = System.nanoTime();
        long deadline = start + Math.min(spec.durationNanos(), Long.MAX_VALUE - start);
        long ops = 0;
        long now = start;
        while (now < deadline && ops < limit) {
            long began = now;
            try {
                switch (kind) {
                    case 0 -> {
                        sink += Files.readAttributes(files[next], BasicFileAttributes.class).size();
                        next = next + 1 == to ? from : next + 1;
                    }
                    case 1 -> {
                        FileChannel.open(files[next], StandardOpenOption.READ).close();
                        next = next + 1 == to ? from : next + 1;
                    }
                    default -> {
                        Path p = scratch[threadIndex * MetaTree.DIRS + dir];
                        dir = dir + 1 == MetaTree.DIRS ? 0 : dir + 1;
                        Files.createDirectory(p);
                        Files.delete(p);
                    }
                }
            } catch (IOException e) {
                result.recordError(-errno(e));
            }
            ops++;
            now = System.nanoTime();
            result.recordLatency(now - began);
            if ((ops & 255) == 0) {
                progress.update(threadIndex, ops);
            }
        }
        progress.update(threadIndex, ops);
        result.ops = ops;
        blackhole = sink; // the attributes were really read
        result.elapsedNanos = now - start;
        result.flushLatency();
        return result;
    }

    /** The errno a java.nio exception stands for, as far as its type tells. */
    static int errno(IOException e) {
        return switch (e) {
            case NoSuchFileException x -> Errno.ENOENT;
            case FileAlreadyExistsException x -> Errno.EEXIST;
            case AccessDeniedException x -> Errno.EACCES;
            case DirectoryNotEmptyException x -> Errno.ENOTEMPTY;
            case NotDirectoryException x -> Errno.ENOTDIR;
            case FileSystemException x -> Errno.EIO;
            default -> Errno.EIO;
        };
    }
}
