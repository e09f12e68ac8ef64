package io.asys;

import io.asys.uring.IoUringAbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.asys.TypedApiTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** splice, tee, madvise and per-operation RWF_* flags, on the real kernel, with their exact errnos. */
class AsysPipeAndFlagsTest {
    private static final int MADV_WILLNEED = 3;
    private static final int MADV_BOGUS = 12345;

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

    @Test
    void spliceMovesFileDataThroughAPipeIntoAnotherFile() throws Exception {
        byte[] data = pattern(20_000, 1);
        Path src = Files.write(dir.resolve("src"), data);
        FileHandle in = get(asys.open(src, O_RDONLY, 0));
        FileHandle out = get(asys.open(dir.resolve("dst"), O_CREAT | O_WRONLY | O_TRUNC, 0644));
        FileHandle[] pipe = asys.pipe();
        int moved = 0;
        while (moved < data.length) {
            int n = get(asys.splice(in, moved, pipe[1], -1, Math.min(8192, data.length - moved), 0));
            int m = get(asys.splice(pipe[0], -1, out, moved, n, 0));
            assertEquals(n, m);
            moved += n;
        }
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("dst")));
        // Neither end a pipe: the kernel refuses with EINVAL.
        errno(asys.splice(in, 0, out, 0, 10, 0), Errno.EINVAL);
        for (FileHandle h : new FileHandle[] {in, out, pipe[0], pipe[1]}) {
            get(asys.close(h));
        }
    }

    @Test
    void teeCopiesWithoutConsuming() throws Exception {
        FileHandle[] a = asys.pipe();
        FileHandle[] b = asys.pipe();
        MemorySegment msg = Arena.ofAuto().allocateFrom("tee me", java.nio.charset.StandardCharsets.US_ASCII).asSlice(0, 6);
        assertEquals(6, get(asys.write(a[1], msg, -1)));
        assertEquals(6, get(asys.tee(a[0], b[1], 100, 0)));
        MemorySegment in = buffer(16);
        assertEquals(6, get(asys.read(a[0], in, -1)), "the source pipe still has the data");
        assertEquals("tee me", in.getString(0).substring(0, 6));
        assertEquals(6, get(asys.read(b[0], in.fill((byte) 0), -1)));
        assertEquals("tee me", in.getString(0).substring(0, 6));
        FileHandle file = get(asys.open(Files.createFile(dir.resolve("f")), O_RDWR, 0));
        errno(asys.tee(file, b[1], 10, 0), Errno.EINVAL);
        for (FileHandle h : new FileHandle[] {a[0], a[1], b[0], b[1], file}) {
            get(asys.close(h));
        }
    }

    @Test
    void madviseTakesAdviceOnPageAlignedMemory() throws Exception {
        MemorySegment pages = Arena.ofAuto().allocate(4 * 4096, 4096);
        assertEquals(0, get(asys.madvise(pages, MADV_WILLNEED)));
        errno(asys.madvise(pages.asSlice(1, 4096), MADV_WILLNEED), Errno.EINVAL);
        errno(asys.madvise(pages, MADV_BOGUS), Errno.EINVAL);
    }

    @Test
    void readAndWriteTakeRwfFlags() throws Exception {
        Path file = dir.resolve("flags");
        FileHandle h = get(asys.open(file, O_CREAT | O_RDWR | O_TRUNC, 0644));
        MemorySegment first = Arena.ofAuto().allocateFrom("first ", java.nio.charset.StandardCharsets.US_ASCII).asSlice(0, 6);
        MemorySegment second = Arena.ofAuto().allocateFrom("second", java.nio.charset.StandardCharsets.US_ASCII).asSlice(0, 6);
        assertEquals(6, get(asys.write(h, first, 0, IoUringAbi.RWF_DSYNC)));
        // RWF_APPEND writes at the end whatever the offset says.
        assertEquals(6, get(asys.write(h, second, 0, IoUringAbi.RWF_APPEND)));
        assertEquals("first second", Files.readString(file));
        // Just written: in the page cache, so a read that may not wait succeeds.
        MemorySegment in = buffer(12);
        assertEquals(12, get(asys.read(h, in, 0, IoUringAbi.RWF_NOWAIT)));
        assertEquals("first second", new String(in.toArray(ValueLayout.JAVA_BYTE), java.nio.charset.StandardCharsets.US_ASCII));
        errno(asys.read(h, in, 0, 1 << 30), Errno.EOPNOTSUPP);
        get(asys.close(h));
    }
}
