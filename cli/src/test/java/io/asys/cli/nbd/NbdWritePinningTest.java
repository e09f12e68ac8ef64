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
 * writes stop; the data written meanwhile is on disk.
 */
@Timeout(60)
class NbdWritePinningTest {
    @TempDir
    Path dir;

    /** The CPU lists of the network engine's thread: the only asys-uring thread whose ring had a recv. */
    private static boolean someEngineThreadOn(String cpus) throws Exception {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    if (Files.readString(t.resolve("comm")).trim().equals("asys-uring")
                            && Files.readAllLines(t.resolve("status")).stream()
                                    .anyMatch(l -> l.startsWith("Cpus_allowed_list:") && l.substring(18).trim().equals(cpus))) {
                        return true;
                    }
                } catch (java.io.IOException gone) {
                    // a thread that ended during the scan
                }
            }
        }
        return false;
    }

    @Test
    void largeWritesPinTheNetworkEngineUntilTheyStop() throws Exception {
        assumeTrue(IoUringSupport.isAvailable(), "io_uring unavailable");
        int[] allowed = CpuAffinity.allowed();
        assumeTrue(allowed.length > 1, "one CPU: pinned and unpinned look the same");
        String cpu = Integer.toString(allowed[allowed.length - 1]);
        try (var fx = new NbdServerFixture("uring", dir, 4 << 20, false, false);
             var c = NbdTestClient.open(fx.address(), true)) {
            fx.server.pinWhileWriting(allowed[allowed.length - 1]);
            c.write(0, new byte[4096]);
            assertEquals(0, c.call(0, Nbd.CMD_READ, 0, 4096, null).error());
            assertFalse(fx.server.pinnedForWrites(), "small requests leave the engine where it is");
            assertFalse(someEngineThreadOn(cpu), "no engine thread pinned yet");

            byte[] data = new byte[Export.LARGE_IO];
            new Random(3).nextBytes(data);
            c.write(65536, data);
            assertTrue(fx.server.pinnedForWrites(), "a large write pins");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!someEngineThreadOn(cpu) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(someEngineThreadOn(cpu), "the network engine's thread runs on CPU " + cpu);

            deadline = System.nanoTime() + 5_000_000_000L;
            while ((fx.server.pinnedForWrites() || someEngineThreadOn(cpu)) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(fx.server.pinnedForWrites(), "unpinned after " + WritePinning.IDLE + " without a large write");
            assertFalse(someEngineThreadOn(cpu), "no engine thread left on CPU " + cpu);

            c.write(65536 + data.length, data);
            assertTrue(fx.server.pinnedForWrites(), "the next large write pins again");
            byte[] disk = fx.onDisk();
            assertArrayEquals(data, Arrays.copyOfRange(disk, 65536, 65536 + data.length));
            assertArrayEquals(data, Arrays.copyOfRange(disk, 65536 + data.length, 65536 + 2 * data.length));
        }
    }
}
