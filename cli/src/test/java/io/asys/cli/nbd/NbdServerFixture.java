package io.asys.cli.nbd;

import io.asys.Asys;

import java.io.IOException;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * An in-process NBD server on a free loopback port, serving a file of known pseudo-random bytes,
 * with three engines as {@code asys nbd serve} has by default (network, and two for large reads).
 */
final class NbdServerFixture implements AutoCloseable {
    final Asys asys;
    final Asys disk;
    final Asys disk2;
    final Path file;
    final byte[] initial;
    final NbdServer server;
    final ByteArrayOutputStream log = new ByteArrayOutputStream();

    NbdServerFixture(String engine, Path dir, int size, boolean readOnly, boolean direct) throws IOException {
        file = dir.resolve("export.img");
        initial = new byte[size];
        new Random(42).nextBytes(initial);
        Files.write(file, initial);
        asys = Asys.open(engine);
        disk = Asys.open(engine);
        disk2 = Asys.open(engine);
        try {
            server = NbdServer.start(asys, new Asys[]{disk, disk2}, file, "disk", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    readOnly, direct, new PrintStream(log, true));
        } catch (IOException | RuntimeException e) {
            asys.close();
            disk.close();
            disk2.close();
            throw e;
        }
    }

    InetSocketAddress address() {
        return server.address();
    }

    String uri() {
        return "nbd://127.0.0.1:" + address().getPort() + "/";
    }

    /** The export's bytes as on disk now. */
    byte[] onDisk() throws IOException {
        return Files.readAllBytes(file);
    }

    /** Waits until no client is connected (the server closed every socket), or fails after 10 s. */
    void awaitNoConnections() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (server.connections() != 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(server.connections() + " connections still open; log: " + log);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        server.close();
        asys.close();
        disk.close();
        disk2.close();
    }
}
