package io.asys;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static io.asys.TypedApiTestSupport.get;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Page-cache counts and read-only mappings of real files, and a send straight from a mapping. */
class PageCacheTest {
    private static final int POSIX_FADV_DONTNEED = 4;
    private static final int O_DIRECTORY = 0200000;
    private static Asys asys;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() throws Exception {
        asys = Asys.open();
    }

    @AfterAll
    static void close() {
        asys.close();
    }

    private FileHandle written(String name, byte[] content) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return get(asys.open(p, FileDescriptors.O_RDWR, 0));
    }

    /** Writes the file back and drops its pages from the cache (those no process maps). */
    private static void dropFromCache(FileHandle h) throws Exception {
        assertEquals(0, get(asys.fsync(h)));
        assertEquals(0, get(asys.fadvise(h, 0, 0, POSIX_FADV_DONTNEED)));
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void aWrittenFileIsCachedAndAfterDontneedItIsNot() throws Exception {
        int size = 1 << 20;
        FileHandle h = written("counted", random(size, 1));
        PageCache.Stat s = PageCache.stat(h, 0, size);
        assertEquals(size / 4096, s.cached(), s::toString);
        assertTrue(PageCache.isCached(h, 4096 * 3 + 17, 100_000));

        dropFromCache(h);
        PageCache.Stat cold = PageCache.stat(h, 0, size);
        assertEquals(0, cold.dirty(), cold::toString);
        assertTrue(cold.cached() < size / 4096, "DONTNEED on a clean file drops its pages: " + cold);
        assertFalse(PageCache.isCached(h, 0, size));

        // A read brings the range back (readahead may bring more).
        assertEquals(65536, get(asys.read(h, Arena().allocate(65536), 0)));
        assertTrue(PageCache.isCached(h, 0, 65536));
        get(asys.close(h));
    }

    @Test
    void justWrittenPagesAreCachedButNotCleanUntilWrittenBack() throws Exception {
        int size = 256 << 10;
        FileHandle h = written("dirty", random(size, 5));
        assertTrue(PageCache.isCached(h, 0, size));
        PageCache.Stat s = PageCache.stat(h, 0, size);
        assertTrue(s.dirty() > 0 || s.writeback() > 0, s::toString);
        assertFalse(PageCache.isCleanAndCached(h, 0, size));
        assertEquals(0, get(asys.fsync(h)));
        assertTrue(PageCache.isCleanAndCached(h, 0, size), PageCache.stat(h, 0, size).toString());
        get(asys.close(h));
    }

    @Test
    void populateMapsCachedPagesAndFailsPastTheEndOfTheFile() throws Exception {
        byte[] content = random(8 * 4096, 6);
        FileHandle h = written("populated", content);
        MemorySegment m = PageCache.map(h, 16 * 4096);
        PageCache.populate(m.asSlice(100, 5 * 4096));
        assertEquals(content[100], m.get(ValueLayout.JAVA_BYTE, 100));
        ErrnoException past = assertThrows(ErrnoException.class, () -> PageCache.populate(m.asSlice(8 * 4096, 4096)));
        assertEquals("EFAULT", past.errnoName(), past.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PageCache.populate(MemorySegment.ofArray(new byte[10])));
        get(asys.close(h));
    }

    @Test
    void residentPagesAreTheCachedOnesOfAMappingAndAskingMapsNothing() throws Exception {
        int size = 1 << 20;
        FileHandle h = written("resident", random(size, 7));
        MemorySegment m = PageCache.map(h, size);
        assertTrue(PageCache.isResident(m), "just written: cached and up to date");
        assertTrue(PageCache.isResident(m.asSlice(4096 * 3 + 17, 100_000)));
        assertTrue(PageCache.isResident(m.asSlice(5, 0)), "an empty region");

        dropFromCache(h);
        assertFalse(PageCache.isResident(m), "dropped: " + PageCache.stat(h, 0, size));
        // Asking maps no page and reads none in: a page dropped stays dropped (a fault would read it).
        assertFalse(PageCache.isResident(m.asSlice(size - 4096, 4096)), PageCache.stat(h, size - 4096, 4096).toString());

        assertEquals(65536, get(asys.read(h, Arena().allocate(65536), 0)));
        assertTrue(PageCache.isResident(m.asSlice(0, 65536)), "read back in");
        assertThrows(IllegalArgumentException.class, () -> PageCache.isResident(MemorySegment.ofArray(new byte[4096])));
        get(asys.close(h));
    }

    /**
     * The kernel shows which pages of a file are resident only to its owner, a user who may write
     * it, or one with CAP_FOWNER; to anyone else mincore says every page is. One thread takes
     * another user's identity (a raw setresuid changes only the calling thread) and sees both:
     * the pretence, and isResidencyVisible saying not to trust it.
     */
    @Test
    void anotherUsersFileLooksAllResidentToMincoreSoVisibilityIsAskedFirst() throws Exception {
        boolean a64 = "aarch64".equals(System.getProperty("os.arch"));
        long geteuid = a64 ? 175 : 107;
        long setresuid = a64 ? 147 : 117;
        assumeTrue(new io.asys.internal.linux.Syscall().call(geteuid, 0, 0, 0, 0, 0, 0) == 0,
                "needs root: a thread takes the identity of another user");
        int size = 1 << 20;
        Path p = dir.resolve("theirs");
        Files.write(p, random(size, 10));
        Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        FileHandle h = get(asys.open(p, FileDescriptors.O_RDONLY, 0));
        dropFromCache(h);
        MemorySegment m = PageCache.map(h, size);
        assertTrue(PageCache.isResidencyVisible(h), "root (the owner) is shown the truth");
        assertFalse(PageCache.isResident(m), "dropped: " + PageCache.stat(h, 0, size));

        boolean[] seen = new boolean[2];
        long[] switched = new long[2];
        Thread other = Thread.ofPlatform().start(() -> {
            var sys = new io.asys.internal.linux.Syscall();
            // Effective user nobody; the saved user stays root, so the thread can switch back.
            switched[0] = sys.call(setresuid, -1, 65534, -1, 0, 0, 0);
            try {
                seen[0] = PageCache.isResidencyVisible(h);
                seen[1] = PageCache.isResident(m);
            } finally {
                switched[1] = sys.call(setresuid, -1, 0, -1, 0, 0, 0);
            }
        });
        other.join();
        assertEquals(0, switched[0], "setresuid to nobody");
        assertEquals(0, switched[1], "setresuid back to root");
        assertFalse(seen[0], "not the owner, no write permission, no CAP_FOWNER: not shown");
        assertTrue(seen[1], "and mincore pretends every page is resident, which is why isResidencyVisible is asked first");
        assertFalse(PageCache.isResident(m), "this thread, still root, is shown the truth");
        get(asys.close(h));
    }

    @Test
    void aRegionLongerThanOneMincoreCallIsAskedInSteps() throws Exception {
        int size = 40 << 20;
        FileHandle h = written("long", random(size, 8));
        MemorySegment m = PageCache.map(h, size);
        assertTrue(PageCache.isResident(m));
        assertEquals(0, get(asys.fsync(h)));
        // The last 4 MiB, in the region's second step of 32 MiB, leave the cache (whole folios:
        // the kernel drops no part of a large one).
        int tail = 4 << 20;
        assertEquals(0, get(asys.fadvise(h, size - tail, tail, POSIX_FADV_DONTNEED)));
        assertTrue(PageCache.stat(h, size - tail, tail).cached() < tail / 4096);
        assertTrue(PageCache.isResident(m.asSlice(0, size - tail)));
        assertFalse(PageCache.isResident(m), PageCache.stat(h, size - tail, tail).toString());
        get(asys.close(h));
    }

    @Test
    void pagesPastTheEndOfAShrunkFileAreNotResident() throws Exception {
        FileHandle h = written("shrunk", random(4 * 4096, 9));
        MemorySegment m = PageCache.map(h, 4 * 4096);
        assertTrue(PageCache.isResident(m));
        assertEquals(0, get(asys.submit(new Op.Ftruncate(h, 4096))));
        assertFalse(PageCache.isResident(m));
        assertTrue(PageCache.isResident(m.asSlice(0, 4096)));
        get(asys.close(h));
    }

    @Test
    void pagesSpannedCountsEveryPageARangeTouches() {
        assertEquals(1, PageCache.pagesSpanned(0, 1));
        assertEquals(1, PageCache.pagesSpanned(0, 4096));
        assertEquals(2, PageCache.pagesSpanned(4095, 2));
        assertEquals(257, PageCache.pagesSpanned(100, 1 << 20));
    }

    @Test
    void aMappingHoldsTheFileAndSeesLaterWrites() throws Exception {
        byte[] content = random(3 * 4096 + 100, 2);
        FileHandle h = written("mapped", content);
        MemorySegment m = PageCache.map(h, content.length);
        assertTrue(m.isReadOnly());
        assertEquals(content.length, m.byteSize());
        assertArrayEquals(content, m.toArray(ValueLayout.JAVA_BYTE));
        assertThrows(IllegalArgumentException.class, () -> m.set(ValueLayout.JAVA_BYTE, 0, (byte) 1));

        MemorySegment patch = Arena().allocate(4);
        patch.set(ValueLayout.JAVA_INT_UNALIGNED, 0, 0x01020304);
        assertEquals(4, get(asys.write(h, patch, 4096)));
        assertEquals(0x01020304, m.get(ValueLayout.JAVA_INT_UNALIGNED, 4096), "the mapping shares the page cache");
        get(asys.close(h));
        assertEquals(content[10], m.get(ValueLayout.JAVA_BYTE, 10), "the mapping outlives the descriptor");
    }

    /** What the sends on an asys socket do: submits them, and gives back the last one. */
    private interface Sends {
        java.util.concurrent.Future<Integer> on(FileHandle socket) throws Exception;
    }

    /** The bytes a loopback peer received from an asys socket, and what the last send completed with. */
    private record Received(byte[] bytes, int lastSend) {
    }

    private Received received(int length, Sends sends) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            InetSocketAddress at = (InetSocketAddress) server.getLocalAddress();
            FileHandle client = get(asys.tcpSocket(at));
            assertEquals(0, get(asys.connect(client, at)));
            try (SocketChannel peer = server.accept()) {
                var last = sends.on(client);
                ByteBuffer got = ByteBuffer.allocate(length);
                while (got.hasRemaining() && peer.read(got) >= 0) {
                    // reads until all arrived
                }
                return new Received(got.array(), get(last));
            } finally {
                get(asys.close(client));
            }
        }
    }

    @Test
    void aSendFromAMappingDeliversTheFile() throws Exception {
        byte[] content = random(2 << 20, 3);
        FileHandle h = written("sent", content);
        MemorySegment m = PageCache.map(h, content.length);
        int length = content.length - 4096;
        Received r = received(length, socket -> asys.submit(new Op.Send(socket, m.asSlice(4096, length), 0x100)));
        assertEquals(length, r.lastSend(), "MSG_WAITALL: one send of it all");
        assertArrayEquals(java.util.Arrays.copyOfRange(content, 4096, content.length), r.bytes());
        get(asys.close(h));
    }

    @Test
    void aSendOfPagesPastTheEndOfAShrunkFileFailsWithEfaultAndTheJvmLives() throws Exception {
        byte[] content = random(4 * 4096, 4);
        FileHandle h = written("shrinks", content);
        MemorySegment m = PageCache.map(h, content.length);
        assertEquals(0, get(asys.submit(new Op.Ftruncate(h, 4096))));
        Received r = received(4096, socket -> {
            // The kernel faults on the page past the end in its copy: EFAULT, not a SIGBUS.
            TypedApiTestSupport.errno(asys.submit(new Op.Send(socket, m.asSlice(2 * 4096, 4096), 0)), Errno.EFAULT);
            return asys.send(socket, m.asSlice(0, 4096));
        });
        assertEquals(4096, r.lastSend(), "the page inside the file still sends");
        assertArrayEquals(java.util.Arrays.copyOf(content, 4096), r.bytes());
        get(asys.close(h));
    }

    @Test
    void badInputGetsNamedErrors() throws Exception {
        FileHandle h = written("bad", new byte[4096]);
        assertThrows(IllegalArgumentException.class, () -> PageCache.stat(h, -1, 10));
        assertThrows(IllegalArgumentException.class, () -> PageCache.isCached(h, 0, -10));
        assertThrows(IllegalArgumentException.class, () -> PageCache.map(h, 0));
        get(asys.close(h));
        ErrnoException closed = assertThrows(ErrnoException.class, () -> PageCache.stat(h, 0, 4096));
        assertEquals("EBADF", closed.errnoName());
        assertFalse(PageCache.isCached(h, 0, 4096), "unknown answers not cached");
        assertThrows(ErrnoException.class, () -> PageCache.map(h, 4096));

        FileHandle d = get(asys.open(dir, FileDescriptors.O_RDONLY | O_DIRECTORY, 0));
        ErrnoException notMappable = assertThrows(ErrnoException.class, () -> PageCache.map(d, 4096));
        assertEquals("ENODEV", notMappable.errnoName(), notMappable.getMessage());
        assertTrue(notMappable.getMessage().contains(dir.toString()), notMappable.getMessage());
        get(asys.close(d));
    }

    private static java.lang.foreign.Arena Arena() {
        return java.lang.foreign.Arena.ofAuto();
    }
}
