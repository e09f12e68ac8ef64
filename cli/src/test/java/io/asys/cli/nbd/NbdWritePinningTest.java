package io.asys.cli.nbd;

import io.asys.uring.CpuAffinity;
import io.asys.uring.IoUringSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link NbdServer#pinWhileWriting}: a large write pins the network engine's thread to the CPU
 * (as {@code /proc} reports it), small requests do not, and the engine is unpinned once large
 * writes stop and when the server closes; the data written meanwhile is on disk.
 */
@Timeout(60)
class NbdWritePinningTest {
    @TempDir
    Path dir;

    /** The thread id of {@code asys}'s engine, asked on that thread (a timeout's completion runs its callback there). */
    private static String engineThreadId(io.asys.Asys asys) throws Exception {
        return asys.sleep(java.time.Duration.ofMillis(20))
                .thenApply(v -> statusField(Path.of("/proc/thread-self/status"), "Pid"))
                .get(5, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** The CPUs thread {@code tid} of this process may run on, as /proc lists them. */
    private static String cpusOf(String tid) {
        return statusField(Path.of("/proc/self/task/" + tid + "/status"), "Cpus_allowed_list");
    }

    private static String statusField(Path status, String name) {
        try {
            return Files.readAllLines(status).stream().filter(l -> l.startsWith(name + ":"))
                    .map(l -> l.substring(name.length() + 1).trim()).findFirst().orElseThrow();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void largeWritesPinTheNetworkEngineUntilTheyStop() throws Exception {
        assumeTrue(IoUringSupport.isAvailable(), "io_uring unavailable");
        int[] allowed = CpuAffinity.allowed();
        assumeTrue(allowed.length > 1, "one CPU: pinned and unpinned look the same");
        String cpu = Integer.toString(allowed[allowed.length - 1]);
        try (var fx = new NbdServerFixture("uring", dir, 4 << 20, false, false);
             var c = NbdTestClient.open(fx.address(), true)) {
            String net = engineThreadId(fx.asys);
            String everywhere = cpusOf(net);
            assertFalse(everywhere.equals(cpu), "the network engine starts unpinned: " + everywhere);
            fx.server.pinWhileWriting(allowed[allowed.length - 1]);
            c.write(0, new byte[4096]);
            assertEquals(0, c.call(0, Nbd.CMD_READ, 0, 4096, null).error());
            assertFalse(fx.server.pinnedForWrites(), "small requests leave the engine where it is");
            assertEquals(everywhere, cpusOf(net));

            byte[] data = new byte[Export.LARGE_IO];
            new Random(3).nextBytes(data);
            c.write(65536, data);
            assertTrue(fx.server.pinnedForWrites(), "a large write pins");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!cpusOf(net).equals(cpu) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(cpu, cpusOf(net), "the network engine's thread while large writes arrive");

            deadline = System.nanoTime() + 5_000_000_000L;
            while ((fx.server.pinnedForWrites() || !cpusOf(net).equals(everywhere)) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(fx.server.pinnedForWrites(), "unpinned after " + WritePinning.IDLE + " without a large write");
            assertEquals(everywhere, cpusOf(net), "the network engine's thread after large writes stopped");

            c.write(65536 + data.length, data);
            assertTrue(fx.server.pinnedForWrites(), "the next large write pins again");
            byte[] disk = fx.onDisk();
            assertArrayEquals(data, Arrays.copyOfRange(disk, 65536, 65536 + data.length));
            assertArrayEquals(data, Arrays.copyOfRange(disk, 65536 + data.length, 65536 + 2 * data.length));

            // Closing the server while pinned gives the caller its engine back unpinned.
            fx.server.close();
            deadline = System.nanoTime() + 5_000_000_000L;
            while (!cpusOf(net).equals(everywhere) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(everywhere, cpusOf(net), "the network engine's thread after the server closed");
        }
    }
}
