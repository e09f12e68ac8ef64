package io.asys;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

import static io.asys.TypedApiTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AsysMetadataTest {
    private static final long AT_FDCWD = -100;

    private static Asys asys;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() throws Exception {
        assumeIoUring();
        asys = Asys.open();
    }

    @AfterAll
    static void close() {
        if (asys != null) {
            asys.close();
        }
    }

    private static int permissions(Path p) throws Exception {
        int bits = 0;
        for (PosixFilePermission perm : Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)) {
            bits |= 1 << (8 - perm.ordinal());
        }
        return bits;
    }

    @Test
    void statxOfARegularFile() throws Exception {
        Instant before = Instant.now().minusSeconds(2);
        Path file = Files.write(dir.resolve("f"), pattern(12_345, 1));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        Statx st = get(asys.statx(file));
        assertEquals(12_345, st.size());
        assertTrue(st.isRegularFile());
        assertFalse(st.isDirectory());
        assertFalse(st.isSymbolicLink());
        assertEquals(0640, st.permissions());
        assertEquals(Statx.S_IFREG | 0640, st.mode());
        assertEquals(1, st.nlink());
        assertEquals(Files.getAttribute(file, "unix:ino"), st.inode());
        assertEquals(Files.getAttribute(file, "unix:uid"), st.uid());
        assertTrue((st.mask() & Statx.STATX_BASIC_STATS) == Statx.STATX_BASIC_STATS, "mask " + st.mask());
        Instant mtime = st.modified();
        assertTrue(!mtime.isBefore(before) && mtime.isBefore(Instant.now().plusSeconds(2)), "mtime " + mtime);
        assertEquals(Files.getLastModifiedTime(file).toInstant(), mtime);
    }

    @Test
    void statxOfADirectoryAndMkdirRmdir() throws Exception {
        Path sub = dir.resolve("sub");
        assertEquals(0, get(asys.mkdir(sub, 0750)));
        assertTrue(Files.isDirectory(sub));
        Statx st = get(asys.statx(sub));
        assertTrue(st.isDirectory());
        assertFalse(st.isRegularFile());
        assertEquals(permissions(sub), st.permissions());
        assertEquals(0, st.permissions() & ~0750, "mode bits beyond the requested ones");

        Throwable exists = failure(asys.mkdir(sub, 0750));
        assertInstanceOf(FileAlreadyExistsException.class, exists);
        assertTrue(exists.getMessage().contains("mkdirat") && exists.getMessage().contains("EEXIST"), exists.getMessage());

        assertEquals(0, get(asys.rmdir(sub)));
        assertFalse(Files.exists(sub));
    }

    @Test
    void rmdirOfANonEmptyDirectoryIsDirectoryNotEmpty() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("full"));
        Files.writeString(sub.resolve("x"), "x");
        Throwable t = failure(asys.rmdir(sub));
        DirectoryNotEmptyException e = assertInstanceOf(DirectoryNotEmptyException.class, t);
        assertEquals(sub.toString(), e.getFile());
        assertTrue(e.getReason().contains("ENOTEMPTY"), e.getReason());
        assertTrue(e.getReason().contains("rmdir"), e.getReason());
        assertEquals(Errno.ENOTEMPTY, Errors.errnoOf(e));
        assertTrue(Files.exists(sub));
    }

    @Test
    void unlink() throws Exception {
        Path file = Files.writeString(dir.resolve("gone"), "x");
        assertEquals(0, get(asys.unlink(file)));
        assertFalse(Files.exists(file));
        Throwable t = failure(asys.unlink(file));
        assertInstanceOf(NoSuchFileException.class, t);
        assertTrue(t.getMessage().contains("unlinkat") && t.getMessage().contains("ENOENT"), t.getMessage());
    }

    @Test
    void renameAndRenameNoReplace() throws Exception {
        Path a = Files.writeString(dir.resolve("a"), "A");
        Path b = dir.resolve("b");
        assertEquals(0, get(asys.rename(a, b, 0)));
        assertFalse(Files.exists(a));
        assertEquals("A", Files.readString(b));

        Path c = Files.writeString(dir.resolve("c"), "C");
        Throwable t = failure(asys.rename(c, b, Op.RENAME_NOREPLACE));
        assertInstanceOf(FileAlreadyExistsException.class, t);
        assertTrue(t.getMessage().contains("EEXIST") && t.getMessage().contains("renameat2"), t.getMessage());
        assertTrue(t.getMessage().contains(c.toString()) && t.getMessage().contains(b.toString()), t.getMessage());
        assertEquals("A", Files.readString(b));
        assertEquals("C", Files.readString(c));

        assertEquals(0, get(asys.rename(c, b, 0)), "plain rename replaces");
        assertEquals("C", Files.readString(b));
    }

    @Test
    void symlinkLstatxAndRawReadlink() throws Exception {
        Path target = Files.write(dir.resolve("target"), pattern(100, 3));
        Path link = dir.resolve("link");
        assertEquals(0, get(asys.symlink(target, link)));
        assertTrue(Files.isSymbolicLink(link));

        Statx l = get(asys.lstatx(link));
        assertTrue(l.isSymbolicLink());
        assertEquals(target.toString().length(), l.size());
        Statx f = get(asys.statx(link));
        assertTrue(f.isRegularFile(), "statx follows the link");
        assertEquals(100, f.size());

        try (Arena arena = Arena.ofShared()) {
            MemorySegment cPath = arena.allocateFrom(link.toString());
            MemorySegment buf = arena.allocate(4096);
            long n = get(asys.syscall(RawCall.of("readlinkat").arg(AT_FDCWD).arg(cPath).arg(buf).arg(buf.byteSize())));
            assertEquals(target.toString(), new String(toArray(buf, (int) n), StandardCharsets.UTF_8));
        }
    }

    @Test
    void hardLinkRaisesTheLinkCount() throws Exception {
        Path file = Files.writeString(dir.resolve("orig"), "data");
        Path link = dir.resolve("hard");
        assertEquals(0, get(asys.link(file, link)));
        Statx a = get(asys.statx(file));
        Statx b = get(asys.statx(link));
        assertEquals(2, a.nlink());
        assertEquals(2, b.nlink());
        assertEquals(a.inode(), b.inode());

        Throwable t = failure(asys.link(file, link));
        assertInstanceOf(FileAlreadyExistsException.class, t);
        assertTrue(t.getMessage().contains("linkat"), t.getMessage());
    }

    @Test
    void statxOfAMissingPathIsNoSuchFile() {
        Path missing = dir.resolve("nope");
        Throwable t = failure(asys.statx(missing));
        assertInstanceOf(NoSuchFileException.class, t);
        assertTrue(t.getMessage().contains("statx"), t.getMessage());
        assertTrue(t.getMessage().contains("ENOENT"), t.getMessage());
        assertTrue(t.getMessage().contains(missing.toString()), t.getMessage());
        assertInstanceOf(NoSuchFileException.class, failure(asys.lstatx(missing)));
    }

    @Test
    void operationsOnAPathUnderAFileAreNotDirectory() throws Exception {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        Throwable t = failure(asys.mkdir(file.resolve("child"), 0755));
        assertInstanceOf(java.nio.file.NotDirectoryException.class, t);
        assertEquals(Errno.ENOTDIR, Errors.errnoOf(t));
    }
}
