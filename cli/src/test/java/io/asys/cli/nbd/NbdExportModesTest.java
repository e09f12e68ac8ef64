package io.asys.cli.nbd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Read-only and O_DIRECT exports: what they advertise, what they refuse, and that the rest works. */
@Timeout(60)
class NbdExportModesTest {
    @TempDir
    Path dir;

    @Test
    void readOnlyRefusesEveryWriteWithEperm() throws Exception {
        try (var fx = new NbdServerFixture("auto", dir, 1 << 20, true, false);
             var c = NbdTestClient.open(fx.address(), true)) {
            assertTrue((c.transmissionFlags & Nbd.FLAG_READ_ONLY) != 0);
            assertEquals(Nbd.EPERM, c.call(0, Nbd.CMD_WRITE, 0, 4, new byte[4]).error());
            assertEquals(Nbd.EPERM, c.call(0, Nbd.CMD_TRIM, 0, 4096, null).error());
            assertEquals(Nbd.EPERM, c.call(0, Nbd.CMD_WRITE_ZEROES, 0, 4096, null).error());
            assertEquals(0, c.call(0, Nbd.CMD_FLUSH, 0, 0, null).error());
            assertArrayEquals(Arrays.copyOfRange(fx.initial, 0, 4096), c.read(0, 4096));
            assertArrayEquals(fx.initial, fx.onDisk());
        }
    }

    @Test
    void directIoAdvertisesAndEnforcesItsBlockSize() throws Exception {
        try (var fx = new NbdServerFixture("auto", dir, 4 << 20, false, true);
             var c = new NbdTestClient(fx.address())) {
            c.clientFlags(Nbd.FLAG_C_FIXED_NEWSTYLE | Nbd.FLAG_C_NO_ZEROES);
            c.option(Nbd.OPT_GO, NbdTestClient.goData("", Nbd.INFO_BLOCK_SIZE));
            int minimum = -1;
            for (var r = c.optionReply(); r.type() != Nbd.REP_ACK; r = c.optionReply()) {
                ByteBuffer d = ByteBuffer.wrap(r.data());
                if (d.getShort() == Nbd.INFO_BLOCK_SIZE) {
                    minimum = d.getInt();
                }
            }
            assertEquals(4096, minimum);
            String notMapped = fx.server.useMappedReads(true);
            assertTrue(notMapped != null && notMapped.contains("O_DIRECT"), "O_DIRECT reads are not mapped: " + notMapped);
            byte[] data = new byte[65536];
            new Random(5).nextBytes(data);
            c.write(8192, data);
            assertArrayEquals(data, c.read(8192, data.length));
            assertEquals(Nbd.EINVAL, c.call(0, Nbd.CMD_READ, 100, 4096, null).error(), "unaligned offset");
            assertEquals(Nbd.EINVAL, c.call(0, Nbd.CMD_WRITE, 0, 100, new byte[100]).error(), "unaligned length");
            assertEquals(0, c.call(0, Nbd.CMD_WRITE_ZEROES, 8192, 4096, null).error());
            assertArrayEquals(new byte[4096], c.read(8192, 4096));
            byte[] disk = fx.onDisk();
            assertArrayEquals(Arrays.copyOfRange(data, 4096, data.length), Arrays.copyOfRange(disk, 12288, 8192 + data.length));
            assertEquals(0, fx.server.readsFromPageCache());
        }
    }
}
