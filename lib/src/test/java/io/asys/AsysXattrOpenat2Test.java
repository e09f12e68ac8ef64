package io.asys;

import io.asys.uring.OpenHow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static io.asys.TypedApiTestSupport.errno;
import static io.asys.TypedApiTestSupport.failure;
import static io.asys.TypedApiTestSupport.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Extended attributes and openat2's RESOLVE_* rules, with exact errno failures. */
class AsysXattrOpenat2Test {
    private static final int XATTR_CREATE = 1;
    private static final int XATTR_REPLACE = 2;
    private static Asys asys;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() throws Exception {
        asys = Asys.open();
    }

    @AfterAll
    static void close() {
        if (asys != null) {
            asys.close();
        }
    }

    private static MemorySegment text(String s) {
        return Arena.ofAuto().allocateFrom(s, StandardCharsets.UTF_8).asSlice(0, s.length());
    }

    @Test
    void setThenGetAnAttributeByPathAndByHandle() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        int set = 0;
        try {
            set = get(asys.setxattr(file, "user.asys", text("value-1"), XATTR_CREATE));
        } catch (java.util.concurrent.ExecutionException e) {
            assumeTrue(Errors.errnoOf(e.getCause()) != Errno.EOPNOTSUPP, "no user xattrs on this file system");
            throw e;
        }
        assertEquals(0, set);
        MemorySegment value = Arena.ofAuto().allocate(64);
        assertEquals(7, get(asys.getxattr(file, "user.asys", value)));
        assertEquals("value-1", value.getString(0, StandardCharsets.UTF_8).substring(0, 7));

        FileHandle h = get(asys.open(file, 2, 0));
        assertEquals(0, get(asys.fsetxattr(h, "user.asys", text("v2"), XATTR_REPLACE)));
        MemorySegment small = Arena.ofAuto().allocate(64);
        assertEquals(2, get(asys.fgetxattr(h, "user.asys", small)));
        Throwable exists = failure(asys.fsetxattr(h, "user.asys", text("v3"), XATTR_CREATE));
        assertInstanceOf(java.nio.file.FileAlreadyExistsException.class, exists);
        assertEquals(Errno.EEXIST, Errors.errnoOf(exists));
        errno(asys.fgetxattr(h, "user.missing", small), Errno.ENODATA);
        errno(asys.getxattr(file, "user.asys", Arena.ofAuto().allocate(1)), Errno.ERANGE);
        get(asys.close(h));
    }

    @Test
    void getxattrOfAMissingFileIsNoSuchFile() {
        Throwable t = failure(asys.getxattr(dir.resolve("missing"), "user.x", Arena.ofAuto().allocate(8)));
        assertInstanceOf(NoSuchFileException.class, t);
        assertTrue(t.getMessage().contains("getxattr") && t.getMessage().contains("ENOENT"), t.getMessage());
    }

    @Test
    void openat2ResolveBeneathRefusesEscapes() throws Exception {
        Path inside = Files.writeString(dir.resolve("in"), "in");
        FileHandle ok = get(asys.open2(inside, 0, 0, OpenHow.RESOLVE_NO_SYMLINKS));
        get(asys.close(ok));
        Path link = Files.createSymbolicLink(dir.resolve("link"), inside);
        errno(asys.open2(link, 0, 0, OpenHow.RESOLVE_NO_SYMLINKS), Errno.ELOOP);
    }
}
