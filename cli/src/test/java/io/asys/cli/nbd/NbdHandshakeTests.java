package io.asys.cli.nbd;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The handshake phase against a hand-written client, well-formed and not; run on each engine by a subclass. */
@Timeout(60)
abstract class NbdHandshakeTests {
    static final int SIZE = 4 << 20;

    @TempDir
    Path dir;
    NbdServerFixture fx;

    abstract String engine();

    @BeforeEach
    void start() throws Exception {
        fx = new NbdServerFixture(engine(), dir, SIZE, false, false);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    @Test
    void greetingThenGoGivesSizeFlagsAndBlockSizes() throws Exception {
        try (var c = new NbdTestClient(fx.address())) {
            assertEquals(Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES, c.handshakeFlags);
            c.clientFlags(Nbd.FLAG_C_FIXED_NEWSTYLE | Nbd.FLAG_C_NO_ZEROES);
            c.option(Nbd.OPT_GO, NbdTestClient.goData("disk", Nbd.INFO_BLOCK_SIZE, Nbd.INFO_NAME, Nbd.INFO_DESCRIPTION));
            boolean sawExport = false;
            boolean sawBlocks = false;
            boolean sawName = false;
            while (true) {
                var r = c.optionReply();
                assertEquals(Nbd.OPT_GO, r.option());
                if (r.type() == Nbd.REP_ACK) {
                    break;
                }
                assertEquals(Nbd.REP_INFO, r.type());
                ByteBuffer d = ByteBuffer.wrap(r.data());
                switch (d.getShort()) {
                    case Nbd.INFO_EXPORT -> {
                        sawExport = true;
                        assertEquals(SIZE, d.getLong());
                        int flags = Short.toUnsignedInt(d.getShort());
                        assertEquals(0, flags & Nbd.FLAG_READ_ONLY);
                        assertTrue((flags & Nbd.FLAG_SEND_FLUSH) != 0 && (flags & Nbd.FLAG_SEND_TRIM) != 0
                                && (flags & Nbd.FLAG_SEND_WRITE_ZEROES) != 0 && (flags & Nbd.FLAG_CAN_MULTI_CONN) != 0);
                    }
                    case Nbd.INFO_BLOCK_SIZE -> {
                        sawBlocks = true;
                        assertEquals(1, d.getInt());
                        assertEquals(4096, d.getInt());
                        assertEquals(32 << 20, d.getInt());
                    }
                    case Nbd.INFO_NAME -> {
                        sawName = true;
                        assertEquals("disk", StandardCharsets.UTF_8.decode(d).toString());
                    }
                    default -> {
                    }
                }
            }
            assertTrue(sawExport && sawBlocks && sawName);
            assertArrayEquals(java.util.Arrays.copyOfRange(fx.initial, 4096, 4096 + 512), c.read(4096, 512));
        }
    }

    @Test
    void optionErrorsLeaveTheHandshakeUsable() throws Exception {
        try (var c = new NbdTestClient(fx.address())) {
            c.clientFlags(Nbd.FLAG_C_FIXED_NEWSTYLE);
            c.option(99, new byte[]{1, 2, 3});
            assertEquals(Nbd.REP_ERR_UNSUP, c.optionReply().type());
            c.option(Nbd.OPT_STARTTLS, new byte[0]);
            assertEquals(Nbd.REP_ERR_POLICY, c.optionReply().type());
            c.option(Nbd.OPT_GO, NbdTestClient.goData("nope"));
            assertEquals(Nbd.REP_ERR_UNKNOWN, c.optionReply().type());
            c.option(Nbd.OPT_STRUCTURED_REPLY, new byte[]{0});
            assertEquals(Nbd.REP_ERR_INVALID, c.optionReply().type());
            // Name length past the data, and a count of info requests that does not match the length.
            c.option(Nbd.OPT_INFO, new byte[]{0, 0, 0, 100, 0, 0});
            assertEquals(Nbd.REP_ERR_INVALID, c.optionReply().type());
            c.option(Nbd.OPT_INFO, new byte[]{0, 0, 0, 0, 0, 5});
            assertEquals(Nbd.REP_ERR_INVALID, c.optionReply().type());
            c.option(Nbd.OPT_LIST, new byte[0]);
            var server = c.optionReply();
            assertEquals(Nbd.REP_SERVER, server.type());
            assertEquals("disk", new String(server.data(), 4, server.data().length - 4, StandardCharsets.UTF_8));
            assertEquals(Nbd.REP_ACK, c.optionReply().type());
            c.go("");
            assertEquals(SIZE, c.size);
            c.write(0, new byte[]{9, 9, 9});
            assertArrayEquals(new byte[]{9, 9, 9}, c.read(0, 3));
        }
    }

    @Test
    void exportNameWithAndWithoutZeroes() throws Exception {
        for (boolean noZeroes : new boolean[]{true, false}) {
            try (var c = new NbdTestClient(fx.address())) {
                c.clientFlags(Nbd.FLAG_C_FIXED_NEWSTYLE | (noZeroes ? Nbd.FLAG_C_NO_ZEROES : 0));
                c.option(Nbd.OPT_EXPORT_NAME, "disk".getBytes(StandardCharsets.UTF_8));
                assertEquals(SIZE, c.in.readLong());
                c.in.readUnsignedShort();
                if (!noZeroes) {
                    byte[] zeroes = new byte[124];
                    c.in.readFully(zeroes);
                    assertArrayEquals(new byte[124], zeroes);
                }
                assertArrayEquals(java.util.Arrays.copyOfRange(fx.initial, 0, 16), c.read(0, 16));
            }
        }
    }

    @Test
    void abortIsAcknowledgedThenClosed() throws Exception {
        try (var c = new NbdTestClient(fx.address())) {
            c.clientFlags(Nbd.FLAG_C_FIXED_NEWSTYLE);
            c.option(Nbd.OPT_ABORT, new byte[0]);
            assertEquals(Nbd.REP_ACK, c.optionReply().type());
            assertTrue(c.serverClosed());
        }
        fx.awaitNoConnections();
    }

    @Test
    void protocolViolationsInTheHandshakeHangUp() throws Exception {
        try (var c = new NbdTestClient(fx.address())) {
            c.clientFlags(0x80);
            assertTrue(c.serverClosed(), "unknown client flags");
        }
        try (var c = new NbdTestClient(fx.address())) {
            c.clientFlags(Nbd.FLAG_C_FIXED_NEWSTYLE);
            c.out.writeLong(0x1234);
            c.out.writeLong(0);
            c.out.flush();
            assertTrue(c.serverClosed(), "bad option magic");
        }
        try (var c = new NbdTestClient(fx.address())) {
            c.clientFlags(Nbd.FLAG_C_FIXED_NEWSTYLE);
            c.option(Nbd.OPT_EXPORT_NAME, "nope".getBytes(StandardCharsets.UTF_8));
            assertTrue(c.serverClosed(), "unknown export name");
        }
        try (var c = new NbdTestClient(fx.address())) {
            c.clientFlags(Nbd.FLAG_C_FIXED_NEWSTYLE);
            c.out.writeLong(Nbd.IHAVEOPT);
            c.out.writeInt(Nbd.OPT_GO);
            c.out.writeInt(1 << 30);
            c.out.flush();
            assertTrue(c.serverClosed(), "a 1 GiB option");
        }
        // Gone in the middle of an option.
        try (var c = new NbdTestClient(fx.address())) {
            c.clientFlags(Nbd.FLAG_C_FIXED_NEWSTYLE);
            c.out.writeLong(Nbd.IHAVEOPT);
            c.out.writeInt(Nbd.OPT_GO);
            c.out.flush();
        }
        fx.awaitNoConnections();
        try (var c = NbdTestClient.open(fx.address(), true)) {
            assertArrayEquals(java.util.Arrays.copyOfRange(fx.initial, 0, 8), c.read(0, 8));
        }
    }
}
