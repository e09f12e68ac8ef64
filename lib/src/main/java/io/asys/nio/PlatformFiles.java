package io.asys.nio;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.spi.FileSystemProvider;
import java.util.HashSet;
import java.util.Set;

/**
 * The platform's own file system provider (the one {@link AsysFileSystemProvider} wraps, or the
 * default when none is installed), and JDK channels reopened on an asys descriptor through
 * {@code /proc/self/fd}: what asys channels delegate to for locks and memory mapping.
 */
final class PlatformFiles {
    private PlatformFiles() {
    }

    static FileSystemProvider provider() {
        FileSystemProvider p = FileSystems.getDefault().provider();
        return p instanceof AsysFileSystemProvider a ? a.delegate() : p;
    }

    /** A JDK FileChannel on the same open file as {@code fd} (the same inode, even if unlinked or renamed). */
    static FileChannel reopen(int fd, boolean read, boolean write) throws IOException {
        FileSystemProvider p = provider();
        Path path = p.getPath(URI.create("file:///proc/self/fd/" + fd));
        Set<OpenOption> options = new HashSet<>();
        if (read) {
            options.add(StandardOpenOption.READ);
        }
        if (write) {
            options.add(StandardOpenOption.WRITE);
        }
        return p.newFileChannel(path, options);
    }

    /**
     * Whether {@code path} is under {@code /proc} or {@code /sys}: files the kernel makes up when
     * they are read (statx calls them regular), which never wait for a disk, and which io_uring can
     * read only by handing the read to one of its io-wq threads (they do not support non-blocking
     * reads). The platform's one {@code read(2)} on the calling thread serves them better.
     */
    static boolean isKernelPseudoFile(Path path) {
        String s = path.toAbsolutePath().normalize().toString();
        return s.startsWith("/proc/") || s.startsWith("/sys/") || s.equals("/proc") || s.equals("/sys");
    }

    /** The path whose statx describes the open file of {@code fd}. */
    static Path procFd(int fd) {
        return Path.of("/proc/" + ProcessHandle.current().pid() + "/fd/" + fd);
    }
}
