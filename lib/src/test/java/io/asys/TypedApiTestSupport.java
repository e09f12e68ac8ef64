package io.asys;


import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Shared bits of the typed-API tests: open flags, FIFOs, native buffers, failure extraction. */
final class TypedApiTestSupport {
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 01;
    static final int O_RDWR = 02;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_TRUNC = 01000;

    private TypedApiTestSupport() {
    }

    /** The typed API runs on every engine (workers when io_uring is unavailable): nothing to assume. */
    static void assumeIoUring() {
    }

    static <T> T get(Future<T> future) throws Exception {
        return future.get(5, TimeUnit.SECONDS);
    }

    /** The cause a future failed with (waiting at most 5 s). */
    static Throwable failure(Future<?> future) {
        return assertThrows(ExecutionException.class, () -> future.get(5, TimeUnit.SECONDS)).getCause();
    }

    /** Asserts the future failed with an {@link ErrnoException} carrying {@code errno}; returns it. */
    static ErrnoException errno(Future<?> future, int errno) {
        Throwable t = failure(future);
        ErrnoException e = assertInstanceOf(ErrnoException.class, t);
        assertEquals(Errno.name(errno), e.errnoName(), e::getMessage);
        assertEquals(errno, e.errno());
        return e;
    }

    static Path mkfifo(Path path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
        if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("mkfifo " + path + " failed: " + new String(p.getInputStream().readAllBytes()));
        }
        return path;
    }

    static MemorySegment buffer(int size) {
        return Arena.ofAuto().allocate(size, 4096);
    }

    static MemorySegment bytes(byte[] data) {
        MemorySegment s = buffer(data.length);
        s.copyFrom(MemorySegment.ofArray(data));
        return s;
    }

    static byte[] pattern(int size, int seed) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    static byte[] toArray(MemorySegment s, int length) {
        return s.asSlice(0, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    /** The port the kernel chose, read with a plain JDK call on /proc (no raw getsockname needed). */
    static int boundPort(FileHandle socket) throws Exception {
        String inode = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + socket.fd()))
                .toString().replaceAll("\\D", "");
        for (String file : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of(file))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[9].equals(inode)) {
                    return Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                }
            }
        }
        throw new AssertionError("socket inode " + inode + " not in /proc/net/tcp");
    }

    /** A TCP socket listening on a loopback port the kernel chose. */
    static FileHandle listener(Asys asys) throws Exception {
        java.net.InetSocketAddress any = new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0);
        FileHandle server = get(asys.tcpSocket(any));
        assertEquals(0, get(asys.bind(server, any)));
        assertEquals(0, get(asys.listen(server, 64)));
        return server;
    }

    /** Where a client connects to reach {@code listener}. */
    static java.net.InetSocketAddress addressOf(FileHandle listener) throws Exception {
        return new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), boundPort(listener));
    }

    /** A new instance opened with {@code asys.statx=route} ({@code null}: unset, the default), the property restored after. */
    static Asys openWithStatxRoute(String route) throws ErrnoException {
        String before = System.getProperty(Asys.STATX_PROP_NAME);
        if (route == null) {
            System.clearProperty(Asys.STATX_PROP_NAME);
        } else {
            System.setProperty(Asys.STATX_PROP_NAME, route);
        }
        try {
            return Asys.open();
        } finally {
            if (before == null) {
                System.clearProperty(Asys.STATX_PROP_NAME);
            } else {
                System.setProperty(Asys.STATX_PROP_NAME, before);
            }
        }
    }
}
