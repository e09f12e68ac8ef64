package io.asys.cli.nbd;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The transmission phase against a hand-written client: every command, bad requests, framing
 * of requests split anywhere, pipelining, out-of-order replies, abrupt disconnects, slow
 * readers and many clients; run on each engine by a subclass.
 */
@Timeout(120)
abstract class NbdTransmissionTests {
    static final int SIZE = 16 << 20;

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

    private static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void writesReachTheFileAndReadBackWithSimpleAndStructuredReplies() throws Exception {
        byte[] data = pattern(100_000, 1);
        try (var simple = NbdTestClient.open(fx.address(), false)) {
            simple.write(12_345, data);
            assertArrayEquals(data, simple.read(12_345, data.length));
        }
        try (var structured = NbdTestClient.open(fx.address(), true)) {
            var r = structured.call(0, Nbd.CMD_READ, 12_345, data.length, null);
            assertEquals(Nbd.REPLY_TYPE_OFFSET_DATA, r.type());
            assertTrue(r.done());
            assertEquals(12_345, r.offset());
            assertArrayEquals(data, r.data());
            // A success without data: a simple reply (allowed for every command but READ).
            var w = structured.call(Nbd.CMD_FLAG_FUA, Nbd.CMD_WRITE, 0, 3, new byte[]{1, 2, 3});
            assertFalse(w.structured(), w::toString);
            assertEquals(0, w.error());
            // An error keeps the structured form, with its message.
            var bad = structured.call(0, Nbd.CMD_WRITE, SIZE, 3, new byte[]{1, 2, 3});
            assertTrue(bad.structured(), bad::toString);
            assertEquals(Nbd.REPLY_TYPE_ERROR, bad.type());
            assertEquals(Nbd.ENOSPC, bad.error());
            assertTrue(bad.message().contains("past the end"), bad.message());
            assertEquals(0, structured.call(0, Nbd.CMD_FLUSH, 0, 0, null).error());
            assertEquals(0, structured.call(0, Nbd.CMD_CACHE, 0, 65536, null).error());
        }
        byte[] disk = fx.onDisk();
        assertArrayEquals(data, Arrays.copyOfRange(disk, 12_345, 12_345 + data.length));
        assertArrayEquals(new byte[]{1, 2, 3}, Arrays.copyOfRange(disk, 0, 3));
        assertArrayEquals(Arrays.copyOfRange(fx.initial, 3, 12_345), Arrays.copyOfRange(disk, 3, 12_345));
    }

    @Test
    void trimAndWriteZeroesReadAsZeroes() throws Exception {
        try (var c = NbdTestClient.open(fx.address(), true)) {
            assertEquals(0, c.call(0, Nbd.CMD_WRITE_ZEROES, 4096, 8192, null).error());
            assertArrayEquals(new byte[8192], c.read(4096, 8192));
            assertEquals(0, c.call(Nbd.CMD_FLAG_NO_HOLE | Nbd.CMD_FLAG_FUA, Nbd.CMD_WRITE_ZEROES, 100_001, 5000, null).error());
            assertArrayEquals(new byte[5000], c.read(100_001, 5000));
            var fast = c.call(Nbd.CMD_FLAG_FAST_ZERO, Nbd.CMD_WRITE_ZEROES, 1 << 20, 1 << 20, null);
            assertTrue(fast.error() == 0 || fast.error() == Nbd.ENOTSUP, "fast zero: " + fast);
            assertEquals(0, c.call(0, Nbd.CMD_TRIM, 2 << 20, 1 << 20, null).error());
            // Not trimmed or zeroed: unchanged.
            assertArrayEquals(Arrays.copyOfRange(fx.initial, 0, 4096), c.read(0, 4096));
        }
        byte[] disk = fx.onDisk();
        assertArrayEquals(new byte[8192], Arrays.copyOfRange(disk, 4096, 4096 + 8192));
        assertEquals(SIZE, disk.length, "KEEP_SIZE: the export's size never changes");
    }

    @Test
    void badRequestsGetErrorsAndTheConnectionGoesOn() throws Exception {
        for (boolean structured : new boolean[]{false, true}) {
            try (var c = NbdTestClient.open(fx.address(), structured)) {
                assertEquals(Nbd.EINVAL, c.call(0, Nbd.CMD_READ, SIZE - 10, 11, null).error(), "read past the end");
                assertEquals(Nbd.EINVAL, c.call(0, Nbd.CMD_READ, -1L, 1, null).error(), "offset 2^64-1");
                assertEquals(Nbd.EINVAL, c.call(0, Nbd.CMD_READ, Long.MAX_VALUE, 4096, null).error(), "offset 2^63-1");
                assertEquals(Nbd.ENOSPC, c.call(0, Nbd.CMD_WRITE, SIZE - 2, 4, new byte[4]).error(), "write past the end");
                assertEquals(Nbd.ENOSPC, c.call(0, Nbd.CMD_WRITE_ZEROES, SIZE, 1, null).error(), "zeroes past the end");
                assertEquals(Nbd.EINVAL, c.call(0, Nbd.CMD_TRIM, SIZE, 4096, null).error(), "trim past the end");
                assertEquals(Nbd.EINVAL, c.call(0, 42, 0, 0, null).error(), "unknown command");
                assertEquals(Nbd.EINVAL, c.call(1 << 9, Nbd.CMD_READ, 0, 1, null).error(), "unknown flag");
                assertEquals(Nbd.EINVAL, c.call(Nbd.CMD_FLAG_NO_HOLE, Nbd.CMD_WRITE, 0, 2, new byte[2]).error(), "NO_HOLE on WRITE");
                assertEquals(Nbd.EINVAL, c.call(0, Nbd.CMD_FLUSH, 0, 10, null).error(), "FLUSH with a length");
                assertEquals(Nbd.EINVAL, c.call(0, Nbd.CMD_READ, 0, 0, null).error(), "zero length");
                assertEquals(Nbd.EOVERFLOW, c.call(0, Nbd.CMD_READ, 0, (32 << 20) + 1, null).error(), "read over the max block");
                // Over the max block: the payload is read and dropped, and framing holds.
                byte[] big = new byte[(32 << 20) + 4096];
                Arrays.fill(big, (byte) 7);
                var r = c.call(0, Nbd.CMD_WRITE, 0, big.length, big);
                assertEquals(Nbd.EOVERFLOW, r.error());
                if (structured) {
                    assertEquals(Nbd.REPLY_TYPE_ERROR, r.type());
                    assertTrue(r.message().contains("maximum block size"), r.message());
                }
                assertArrayEquals(Arrays.copyOfRange(fx.initial, 0, 64), c.read(0, 64));
            }
        }
        byte[] disk = fx.onDisk();
        assertArrayEquals(fx.initial, disk, "no refused request changed the export");
    }

    @Test
    void requestsSplitAtEveryByteAreFramed() throws Exception {
        try (var c = NbdTestClient.open(fx.address(), false)) {
            var bytes = new java.io.ByteArrayOutputStream();
            var frame = new java.io.DataOutputStream(bytes);
            byte[] data = pattern(3000, 2);
            frame.writeInt(Nbd.REQUEST_MAGIC);
            frame.writeShort(0);
            frame.writeShort(Nbd.CMD_WRITE);
            frame.writeLong(1);
            frame.writeLong(777);
            frame.writeInt(data.length);
            frame.write(data);
            frame.writeInt(Nbd.REQUEST_MAGIC);
            frame.writeShort(0);
            frame.writeShort(Nbd.CMD_READ);
            frame.writeLong(2);
            frame.writeLong(100_000);
            frame.writeInt(data.length);
            byte[] all = bytes.toByteArray();
            c.expectRead(2, data.length);
            OutputStream raw = c.socket.getOutputStream();
            // Byte by byte through the header, then in odd-sized pieces.
            int i = 0;
            for (; i < 40; i++) {
                raw.write(all[i]);
                raw.flush();
                Thread.sleep(1);
            }
            for (int step = 1; i < all.length; step = step * 3 % 1000 + 1) {
                int n = Math.min(step, all.length - i);
                raw.write(all, i, n);
                raw.flush();
                i += n;
            }
            // The two run concurrently: their replies may come in either order.
            Map<Long, NbdTestClient.Reply> replies = new HashMap<>();
            for (int k = 0; k < 2; k++) {
                var r = c.reply();
                replies.put(r.cookie(), r);
            }
            assertEquals(0, replies.get(1L).error());
            assertArrayEquals(Arrays.copyOfRange(fx.initial, 100_000, 103_000), replies.get(2L).data());
            assertArrayEquals(data, c.read(777, data.length));
        }
    }

    @Test
    void manyRequestsInFlightAllAnsweredOnce() throws Exception {
        int n = 600;
        Map<Long, byte[]> expected = new HashMap<>();
        try (var c = NbdTestClient.open(fx.address(), true)) {
            for (long k = 0; k < n; k++) {
                byte[] data = pattern(4096 + (int) (k % 7) * 512, (int) k);
                c.request(0, Nbd.CMD_WRITE, k, k * 16384, data.length, data);
                expected.put(k, data);
            }
            c.flush();
            Set<Long> seen = new HashSet<>();
            for (int k = 0; k < n; k++) {
                var r = c.reply();
                assertEquals(0, r.error());
                assertTrue(seen.add(r.cookie()), "one reply per cookie: " + r.cookie());
            }
            for (long k = 0; k < n; k++) {
                c.request(Nbd.CMD_FLAG_DF, Nbd.CMD_READ, 1000 + k, k * 16384, expected.get(k).length, null);
            }
            c.flush();
            for (int k = 0; k < n; k++) {
                var r = c.reply();
                assertEquals(Nbd.REPLY_TYPE_OFFSET_DATA, r.type());
                assertArrayEquals(expected.get(r.cookie() - 1000), r.data(), "data of cookie " + r.cookie());
            }
        }
    }

    @Test
    void largeReadsOfCachedDataLeaveFromTheMappedExportAndColdOnesAreRead() throws Exception {
        int big = 1 << 20;
        assertEquals(0, fx.server.readsFromPageCache());
        assertArrayEquals(Arrays.copyOfRange(fx.initial, 0, big), readOnce(0, big));
        assertEquals(0, fx.server.readsFromPageCache(), "off by default");
        assertEquals(null, fx.server.useMappedReads(true), "a cached ext4 file can be mapped");
        sync();
        long before = fx.server.readsFromPageCache();
        try (var simple = NbdTestClient.open(fx.address(), false); var structured = NbdTestClient.open(fx.address(), true)) {
            // Just written by the fixture, so cached: sent from the mapping, simple and structured.
            assertArrayEquals(Arrays.copyOfRange(fx.initial, 12_345, 12_345 + big), simple.read(12_345, big));
            var r = structured.call(Nbd.CMD_FLAG_DF, Nbd.CMD_READ, 3 << 20, big, null);
            assertEquals(3 << 20, r.offset());
            assertArrayEquals(Arrays.copyOfRange(fx.initial, 3 << 20, (3 << 20) + big), r.data());
            assertEquals(before + 2, fx.server.readsFromPageCache(), "both large reads of cached data left from the mapping");

            // Small and large replies in flight together: the mapped data follows gathered small replies in order.
            Map<Long, long[]> asked = new HashMap<>();
            for (long k = 0; k < 64; k++) {
                long offset = k * 131_073 % (SIZE - big);
                long length = k % 3 == 0 ? 4096 + k : k % 3 == 1 ? (128 << 10) + k : big - k;
                structured.request(0, Nbd.CMD_READ, k, offset, length, null);
                asked.put(k, new long[]{offset, length});
            }
            structured.flush();
            for (int k = 0; k < 64; k++) {
                var reply = structured.reply();
                long[] a = asked.remove(reply.cookie());
                assertArrayEquals(Arrays.copyOfRange(fx.initial, (int) a[0], (int) (a[0] + a[1])), reply.data(), "cookie " + reply.cookie());
            }

            // Dropped from the cache: read into a buffer on a disk engine, same bytes. (Only pages
            // never sent from the mapping: DONTNEED leaves pages that are mapped in the cache.)
            io.asys.FileHandle h = fx.asys.open(fx.file, io.asys.FileDescriptors.O_RDONLY, 0).get();
            assertEquals(0, (int) fx.asys.fadvise(h, 0, 0, 4 /* POSIX_FADV_DONTNEED */).get());
            fx.asys.close(h).get();
            long warm = fx.server.readsFromPageCache();
            assertArrayEquals(Arrays.copyOfRange(fx.initial, 14 << 20, (14 << 20) + big), simple.read(14 << 20, big));
            assertEquals(warm, fx.server.readsFromPageCache(), "a cold read is not sent from the mapping");

            // Turned off: every read copies through a buffer.
            fx.server.useMappedReads(false);
            assertArrayEquals(Arrays.copyOfRange(fx.initial, 12_345, 12_345 + big), simple.read(12_345, big));
            assertEquals(warm, fx.server.readsFromPageCache());
        }
    }

    /** Written back: DONTNEED drops only clean pages. */
    private void sync() throws Exception {
        io.asys.FileHandle h = fx.asys.open(fx.file, io.asys.FileDescriptors.O_RDONLY, 0).get();
        assertEquals(0, (int) fx.asys.fsync(h).get());
        fx.asys.close(h).get();
    }

    private byte[] readOnce(long offset, int length) throws Exception {
        try (var c = NbdTestClient.open(fx.address(), false)) {
            return c.read(offset, length);
        }
    }

    @Test
    void justWrittenDataIsSentFromTheMappingAsWrittenAndBeforeItIsWrittenBack() throws Exception {
        fx.server.useMappedReads(true);
        sync();
        int big = 1 << 20;
        try (var c = NbdTestClient.open(fx.address(), true)) {
            for (int round = 1; round <= 3; round++) {
                // Over part of the range read before: the mapping shows the page cache, dirty pages included.
                long at = (5L << 20) + round * 65_536L;
                byte[] data = pattern(big, 9 + round);
                c.write(at, data);
                long before = fx.server.readsFromPageCache();
                assertArrayEquals(data, c.read(at, big), "round " + round);
                assertEquals(before + 1, fx.server.readsFromPageCache(), "dirty and cached: from the mapping");
            }
            sync();
            long before = fx.server.readsFromPageCache();
            assertArrayEquals(pattern(big, 12), c.read((5L << 20) + 3 * 65_536L, big));
            assertEquals(before + 1, fx.server.readsFromPageCache(), "written back: from the mapping too");
        }
    }

    @Test
    void aFileShrunkUnderTheExportGivesEioPastItsEndAndTheConnectionGoesOn() throws Exception {
        fx.server.useMappedReads(true);
        int big = 1 << 20;
        try (var c = NbdTestClient.open(fx.address(), true)) {
            assertArrayEquals(Arrays.copyOfRange(fx.initial, 0, big), c.read(0, big));
            try (var ch = java.nio.channels.FileChannel.open(fx.file, java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(SIZE / 2);
            }
            var past = c.call(0, Nbd.CMD_READ, SIZE - big, big, null);
            assertEquals(Nbd.EIO, past.error(), past::toString);
            assertArrayEquals(Arrays.copyOfRange(fx.initial, 4096, 4096 + big), c.read(4096, big), "still served");
        }
    }

    @Test
    void aMappedReadCutOffByTheFileShrinkingDropsOnlyThatClientAndSaysWhy() throws Exception {
        fx.server.useMappedReads(true);
        int big = 1 << 20;
        int ahead = 12;
        try (var c = NbdTestClient.open(fx.address(), true)) {
            c.socket.setReceiveBufferSize(65536);
            // Replies the client does not read yet fill the socket; the last one's data, at the end
            // of the file, waits in the mapping behind them while the file shrinks under it.
            for (long k = 0; k < ahead; k++) {
                c.request(0, Nbd.CMD_READ, k, 0, big, null);
            }
            c.request(0, Nbd.CMD_READ, ahead, SIZE - big, big, null);
            c.flush();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (fx.server.readsFromPageCache() < ahead + 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(ahead + 1, fx.server.readsFromPageCache(), "every read was queued from the mapping");
            try (var ch = java.nio.channels.FileChannel.open(fx.file, java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(SIZE / 2);
            }
            byte[] first = Arrays.copyOfRange(fx.initial, 0, big);
            int whole = 0;
            try {
                for (int k = 0; k <= ahead; k++) {
                    var r = c.reply();
                    assertTrue(r.cookie() < ahead, "no reply completes with data the file no longer has");
                    assertArrayEquals(first, r.data());
                    whole++;
                }
            } catch (java.io.IOException cutOff) {
                // The header had left: the client is dropped mid-reply, at once (not left to time out).
                assertFalse(cutOff instanceof java.net.SocketTimeoutException, cutOff.toString());
            }
            assertTrue(whole < ahead + 1, "the cut-off reply was not completed");
        }
        fx.awaitNoConnections();
        assertTrue(fx.log.toString().contains("EFAULT"), "the log says why: " + fx.log);
        try (var other = NbdTestClient.open(fx.address(), false)) {
            assertArrayEquals(Arrays.copyOfRange(fx.initial, 4096, 4096 + big), other.read(4096, big), "others still served");
        }
    }

    @Test
    void badMagicDisconnectsAfterAnsweringWhatCameBefore() throws Exception {
        try (var c = NbdTestClient.open(fx.address(), false)) {
            c.request(0, Nbd.CMD_WRITE, 5, 0, 4, new byte[]{4, 3, 2, 1});
            c.out.writeInt(0xdeadbeef);
            c.out.write(new byte[24]);
            c.flush();
            assertEquals(5, c.reply().cookie());
            assertTrue(c.serverClosed());
        }
        fx.awaitNoConnections();
        try (var c = NbdTestClient.open(fx.address(), false)) {
            assertArrayEquals(new byte[]{4, 3, 2, 1}, c.read(0, 4));
        }
    }

    @Test
    void aClientGoneMidWriteLeavesTheExportUnchanged() throws Exception {
        for (int cut : new int[]{10, 28, 28 + 30_000}) {
            try (var c = NbdTestClient.open(fx.address(), false)) {
                c.request(0, Nbd.CMD_WRITE, 1, 1 << 20, 65536, pattern(65536, 3));
                // Only the first bytes of it leave: the header (or part of it) and part of the payload.
                var bytes = new java.io.ByteArrayOutputStream();
                var d = new java.io.DataOutputStream(bytes);
                d.writeInt(Nbd.REQUEST_MAGIC);
                d.writeShort(0);
                d.writeShort(Nbd.CMD_WRITE);
                d.writeLong(2);
                d.writeLong(2 << 20);
                d.writeInt(65536);
                d.write(new byte[65536]);
                c.out.write(bytes.toByteArray(), 0, cut);
                c.flush();
                assertEquals(1, c.reply().cookie());
                c.socket.setSoLinger(true, 0);
            }
        }
        fx.awaitNoConnections();
        byte[] disk = fx.onDisk();
        assertArrayEquals(Arrays.copyOfRange(fx.initial, 2 << 20, (2 << 20) + 65536),
                Arrays.copyOfRange(disk, 2 << 20, (2 << 20) + 65536), "the cut-off write wrote nothing");
        assertArrayEquals(pattern(65536, 3), Arrays.copyOfRange(disk, 1 << 20, (1 << 20) + 65536));
    }

    @Test
    void disconnectAfterAnsweringWhatIsInFlight() throws Exception {
        byte[] data = pattern(1 << 20, 4);
        try (var c = NbdTestClient.open(fx.address(), true)) {
            c.request(0, Nbd.CMD_WRITE, 1, 0, data.length, data);
            c.request(0, Nbd.CMD_FLUSH, 2, 0, 0, null);
            c.request(0, Nbd.CMD_DISC, 3, 0, 0, null);
            c.flush();
            Set<Long> cookies = new HashSet<>();
            cookies.add(c.reply().cookie());
            cookies.add(c.reply().cookie());
            assertEquals(Set.of(1L, 2L), cookies);
            assertTrue(c.serverClosed());
        }
        fx.awaitNoConnections();
        assertArrayEquals(data, Arrays.copyOfRange(fx.onDisk(), 0, data.length));
    }

    @Test
    void aSlowReaderIsHeldBackWithoutHurtingOthers() throws Exception {
        int n = 400;
        int length = 1 << 20;
        try (var slow = NbdTestClient.open(fx.address(), true)) {
            slow.socket.setReceiveBufferSize(65536);
            // 400 MiB of reads asked for, none read yet: the server must pause this client, not buffer it all.
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    for (long k = 0; k < n; k++) {
                        slow.request(0, Nbd.CMD_READ, k, (k * length) % SIZE, length, null);
                    }
                    slow.flush();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(500);
            long start = System.nanoTime();
            try (var other = NbdTestClient.open(fx.address(), false)) {
                other.write(100, new byte[]{1});
                assertArrayEquals(new byte[]{1}, other.read(100, 1));
            }
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "another client waited behind the slow one");
            byte[] expectAt0 = Arrays.copyOfRange(fx.initial, 0, length);
            for (int k = 0; k < n; k++) {
                var r = slow.reply();
                assertEquals(length, r.data().length);
                if (r.offset() == 0) {
                    // Read before or after the other client's one-byte write.
                    if (r.data()[100] == 1) {
                        r.data()[100] = expectAt0[100];
                    }
                    assertArrayEquals(expectAt0, r.data());
                }
            }
            writer.join();
        }
        long peak = fx.server.peakBytesInFlight();
        assertTrue(peak <= Connection.MAX_BYTES_IN_FLIGHT + (1 << 20), "held " + peak + " bytes for a reader that did not read");
        assertTrue(peak >= 16 << 20, "the limit was reached: " + peak);
    }

    @Test
    void closingTheServerEndsClientsThatDoNotRead() throws Exception {
        try (var slow = NbdTestClient.open(fx.address(), true)) {
            slow.socket.setReceiveBufferSize(65536);
            for (long k = 0; k < 64; k++) {
                slow.request(0, Nbd.CMD_READ, k, k << 20, 1 << 20, null);
            }
            slow.flush();
            Thread.sleep(300);
            long start = System.nanoTime();
            fx.server.close();
            assertEquals(0, fx.server.connections());
            assertTrue(System.nanoTime() - start < 4_000_000_000L, "close waited for a client that does not read");
        }
    }

    @Test
    void manyClientsWriteAndOneReadsItAllBack() throws Exception {
        int clients = 8;
        int region = SIZE / clients;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            Future<?>[] done = new Future<?>[clients];
            for (int i = 0; i < clients; i++) {
                int id = i;
                done[i] = pool.submit(() -> {
                    try (var c = NbdTestClient.open(fx.address(), id % 2 == 0)) {
                        for (int off = 0; off < region; off += 65536) {
                            c.request(0, Nbd.CMD_WRITE, off, (long) id * region + off, 65536, pattern(65536, id * 1000 + off / 65536));
                        }
                        c.flush();
                        for (int off = 0; off < region; off += 65536) {
                            assertEquals(0, c.reply().error());
                        }
                        assertEquals(0, c.call(0, Nbd.CMD_FLUSH, 0, 0, null).error());
                    }
                    return null;
                });
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        try (var reader = NbdTestClient.open(fx.address(), true)) {
            for (int id = 0; id < clients; id++) {
                for (int off = 0; off < region; off += 65536) {
                    assertArrayEquals(pattern(65536, id * 1000 + off / 65536), reader.read((long) id * region + off, 65536));
                }
            }
        }
        assertFalse(fx.log.toString().contains("Exception"), fx.log.toString());
    }
}
