package io.asys;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.asys.TypedApiTestSupport.O_RDWR;
import static io.asys.TypedApiTestSupport.bytes;
import static io.asys.TypedApiTestSupport.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code asys fuzz} found: both engines must give what the plain system call gives for
 * these arguments (the worker engine's inline openat2/statx and its negative offsets did not).
 */
class AsysFuzzFindingsTest {
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

    @Test
    void aModeWithoutOCreatIsIgnoredAsByOpenat() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "x");
        FileHandle h = get(asys.open(f, O_RDWR, 0206));
        asys.close(h);
    }

    @Test
    void oPathWithFlagsItCannotUseFailsAsOpenatDoes() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "x");
        assertEquals(Errno.ENOTDIR, errnoOf(asys.open(f.resolve("x"), 010000000 | 02000, 0)));
    }

    private static io.asys.uring.FixedBuffers sharedFixed;

    /** Registered once per Asys on io_uring, so shared by the tests. */
    private static synchronized io.asys.uring.FixedBuffers fixedBuffers() throws ErrnoException {
        if (sharedFixed == null) {
            sharedFixed = asys.registerBuffers(1, 4096);
        }
        return sharedFixed;
    }

    private static int errnoOf(java.util.concurrent.Future<?> f) {
        return Errors.errnoOf(TypedApiTestSupport.failure(f));
    }

    @Test
    void negativeOffsetsOtherThanMinusOneAreEinval() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "0123456789");
        FileHandle h = get(asys.open(f, O_RDWR, 0));
        TypedApiTestSupport.errno(asys.write(h, bytes(new byte[] {'a'}), -2), Errno.EINVAL);
        TypedApiTestSupport.errno(asys.read(h, TypedApiTestSupport.buffer(4), Long.MIN_VALUE), Errno.EINVAL);
        asys.close(h).get();
        assertEquals("0123456789", Files.readString(f), "nothing written");
    }

    @Test
    void fixedReadsAndWritesAtNegativeOffsetsOtherThanMinusOneAreEinval() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "0123456789");
        FileHandle h = get(asys.open(f, O_RDWR, 0));
        io.asys.uring.FixedBuffers fixed = fixedBuffers();
        fixed.buffer(0).fill((byte) 'z');
        TypedApiTestSupport.errno(asys.submit(new Op.WriteFixed(h, fixed, 0, 0, 4, -2)), Errno.EINVAL);
        TypedApiTestSupport.errno(asys.submit(new Op.ReadFixed(h, fixed, 0, 0, 4, Long.MIN_VALUE)), Errno.EINVAL);
        asys.close(h).get();
        assertEquals("0123456789", Files.readString(f), "nothing written");
    }

    @Test
    void directReadsAtTheFilePositionMoveItAsTheSystemCallDoes() throws Exception {
        byte[] data = new byte[2 * 4096 + 152];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (1 + i / 4096);
        }
        Path f = Files.write(dir.resolve("f"), data);
        FileHandle h = get(asys.open(f, O_RDWR | FileDescriptors.O_DIRECT, 0));
        java.lang.foreign.MemorySegment b = java.lang.foreign.Arena.ofAuto().allocate(4096, 4096);
        int[] got = new int[4];
        byte[] first = new byte[4];
        for (int i = 0; i < 4; i++) {
            got[i] = get(asys.read(h, b, -1));
            first[i] = b.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0);
        }
        assertEquals("[4096, 4096, 152, 0]", java.util.Arrays.toString(got), "io_uring left the position where it was");
        assertEquals(1, first[0]);
        assertEquals(2, first[1]);
        assertEquals(3, first[2]);
        asys.close(h).get();
    }

    @Test
    void aZeroLengthReadOfADirectoryIsZeroAsInIoUring() throws Exception {
        FileHandle d = get(asys.open(dir, FileDescriptors.O_RDONLY | 0200000, 0));
        assertEquals(0, get(asys.submit(new Op.Read(d, java.lang.foreign.Arena.ofAuto().allocate(0), 0), java.time.Duration.ofSeconds(5))));
        assertEquals(Errno.EISDIR, errnoOf(asys.read(d, TypedApiTestSupport.buffer(8), 0)));
        io.asys.uring.FixedBuffers fixed = fixedBuffers();
        assertEquals(0, get(asys.submit(new Op.ReadFixed(d, fixed, 0, 0, 0, 0))), "a zero-length fixed read too");
        asys.close(d).get();
    }

    @Test
    void aFailedMetadataStepCancelsTheRestOfItsChain() throws Exception {
        Path d = Files.createDirectory(dir.resolve("d"));
        Chain c = asys.chain();
        var mkdir = c.then(new Op.MkdirAt(d, 0755));
        var rename = c.then(new Op.RenameAt(d, dir.resolve("e"), 0));
        var statx = c.then(new Op.Statx(dir.resolve("missing"), 0, Statx.STATX_BASIC_STATS));
        var nop = c.then(new Op.Nop());
        c.submit();
        assertEquals(Errno.EEXIST, errnoOf(mkdir));
        assertEquals(Errno.ECANCELED, errnoOf(rename), "io_uring ran the next step after a failed mkdirat");
        assertEquals(Errno.ECANCELED, errnoOf(statx));
        assertEquals(Errno.ECANCELED, errnoOf(nop));
        assertTrue(Files.isDirectory(d) && !Files.exists(dir.resolve("e")), "the rename did not run");
        Chain ok = asys.chain();
        var renamed = ok.then(new Op.RenameAt(d, dir.resolve("e"), 0));
        var missing = ok.then(new Op.Statx(dir.resolve("missing"), 0, Statx.STATX_BASIC_STATS));
        var after = ok.then(new Op.Nop());
        ok.submit();
        assertEquals(0, get(renamed));
        assertEquals(Errno.ENOENT, errnoOf(missing));
        assertEquals(Errno.ECANCELED, errnoOf(after), "a failed statx breaks the chain too");
    }

    @Test
    void aStepTheKernelRefusesWhilePreparingFailsAloneAsItsSystemCallWould() throws Exception {
        Path d = dir.resolve("d");
        Chain c = asys.chain();
        var mkdir = c.then(new Op.MkdirAt(d, 0755));
        var empty = c.then(new Op.UnlinkAt(Path.of(""), 0));
        var nop = c.then(new Op.Nop());
        c.submit();
        assertEquals(0, get(mkdir), "io_uring failed the steps before the refused one too");
        assertEquals(Errno.ENOENT, errnoOf(empty));
        assertEquals(Errno.ECANCELED, errnoOf(nop));
        assertTrue(Files.isDirectory(d));

        Chain hard = asys.chain();
        var badFlags = hard.then(new Op.UnlinkAt(d, 0x4));
        hard.hardLink();
        var rmdir = hard.then(new Op.UnlinkAt(d, Op.AT_REMOVEDIR));
        var tooLong = hard.then(new Op.MkdirAt(Path.of("x/".repeat(2100)), 0755));
        var last = hard.then(new Op.Nop());
        hard.submit();
        assertEquals(Errno.EINVAL, errnoOf(badFlags));
        assertEquals(0, get(rmdir), "a hard link runs the next step after a refused one");
        assertEquals(Errno.ENAMETOOLONG, errnoOf(tooLong));
        assertEquals(Errno.ECANCELED, errnoOf(last));
        assertTrue(!Files.exists(d));

        FileHandle f = get(asys.open(Files.writeString(dir.resolve("f"), "x"), O_RDWR, 0));
        Chain broken = asys.chain();
        var write = broken.then(new Op.Write(f, bytes(new byte[] {'a'}), -2));
        var cancelled = broken.then(new Op.Nop());
        broken.hardLink();
        var refused = broken.then(new Op.MkdirAt(Path.of(""), 0755));
        var end = broken.then(new Op.Nop());
        broken.submit();
        assertEquals(Errno.EINVAL, errnoOf(write));
        assertEquals(Errno.ECANCELED, errnoOf(cancelled));
        assertEquals(Errno.ECANCELED, errnoOf(refused), "a step cancelled by a broken link cancels the rest, hard link or not");
        assertEquals(Errno.ECANCELED, errnoOf(end));
        asys.close(f).get();
    }

    @Test
    void statxChecksFlagsAndMaskBeforeThePath() {
        Path missing = dir.resolve("missing");
        assertEquals(Errno.EINVAL, errnoOf(asys.submit(new Op.Statx(missing, 0x6000, Statx.STATX_BASIC_STATS))));
        assertEquals(Errno.EINVAL, errnoOf(asys.submit(new Op.Statx(missing, 0, 0x8000_0000))));
        assertEquals(Errno.EINVAL, errnoOf(asys.submit(new Op.Statx(missing, 0x7fff_0000, Statx.STATX_BASIC_STATS))));
    }
}
