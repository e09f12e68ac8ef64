package io.asys;

import io.asys.internal.linux.Syscall;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.asys.TypedApiTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AsysRawSyscallTest {
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

    @Test
    void getpidIsThisProcess() throws Exception {
        assertEquals(ProcessHandle.current().pid(), get(asys.syscall(RawCall.of("getpid"))));
    }

    @Test
    void theCallRunsOnAnotherThread() throws Exception {
        long gettid = SyscallPolicy.number("gettid");
        long callerTid = new Syscall().call(gettid, 0, 0, 0, 0, 0, 0);
        long workerTid = get(asys.syscall(RawCall.of(gettid)));
        assertTrue(callerTid > 0 && workerTid > 0);
        assertNotEquals(callerTid, workerTid, "the raw call ran on the calling thread");
    }

    @Test
    void callsThatWouldHarmTheProcessAreRefusedAtOnce() throws Exception {
        for (String name : List.of("exit", "exit_group", "clone", "execve", "setuid", "mmap", "kill", "munmap")) {
            CompletableFuture<Long> f = asys.syscall(RawCall.of(name).arg(0L).arg(0L));
            assertTrue(f.isDone(), name + " refused without running");
            Throwable t = failure(f);
            assertInstanceOf(UnsupportedOperationException.class, t, name);
            assertTrue(t.getMessage().contains(name) && t.getMessage().contains("refused"), t.getMessage());
        }
        assertEquals(ProcessHandle.current().pid(), get(asys.syscall(RawCall.of("getpid"))), "still alive");
    }

    @Test
    void anUnknownNumberIsNotWhitelisted() {
        RawCall call = RawCall.of(100_000);
        assertEquals("syscall 100000", call.name());
        Throwable t = failure(asys.syscall(call));
        assertInstanceOf(UnsupportedOperationException.class, t);
        assertTrue(t.getMessage().contains("100000") && t.getMessage().contains("whitelist"), t.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RawCall.of("no_such_call"));
    }

    @Test
    void fchmodChangesTheMode() throws Exception {
        Path file = Files.writeString(dir.resolve("mode"), "x");
        FileHandle h = get(asys.open(file, O_RDONLY, 0));
        try {
            assertEquals(0, get(asys.syscall(RawCall.of("fchmod").arg((long) h.fd()).arg(0600L))));
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
            assertEquals(0, get(asys.syscall(RawCall.of("fchmod").arg((long) h.fd()).arg(0754L))));
            assertEquals(PosixFilePermissions.fromString("rwxr-xr--"), Files.getPosixFilePermissions(file));
        } finally {
            assertEquals(0, get(asys.close(h)));
        }
    }

    @Test
    void preadWithANativeBuffer() throws Exception {
        byte[] data = pattern(1000, 4);
        Path file = Files.write(dir.resolve("pread"), data);
        FileHandle h = get(asys.open(file, O_RDONLY, 0));
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(600);
            long n = get(asys.syscall(RawCall.of("pread64").arg((long) h.fd()).arg(buf).arg(600L).arg(400L)));
            assertEquals(600, n);
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 400, 1000), toArray(buf, 600));
        } finally {
            assertEquals(0, get(asys.close(h)));
        }
    }

    @Test
    void closeOfABadDescriptorIsEbadf() {
        ErrnoException e = errno(asys.syscall(RawCall.of("close").arg(-1L)), Errno.EBADF);
        assertEquals("close", e.operation());
        assertTrue(e.getMessage().contains("EBADF"), e.getMessage());
    }

    @Test
    void pointerArgumentsMustBeLiveNativeSegments() {
        assertThrows(IllegalArgumentException.class, () -> RawCall.of("read").arg(0L).arg(MemorySegment.ofArray(new byte[8])));
        MemorySegment dead;
        try (Arena arena = Arena.ofConfined()) {
            dead = arena.allocate(8);
        }
        MemorySegment closed = dead;
        assertThrows(IllegalArgumentException.class, () -> RawCall.of("read").arg(0L).arg(closed));
    }

    @Test
    void atMostSixArguments() {
        RawCall call = RawCall.of("getpid");
        for (int i = 0; i < 6; i++) {
            call.arg((long) i);
        }
        assertThrows(IllegalArgumentException.class, () -> call.arg(6L));
        assertThrows(IllegalArgumentException.class, () -> call.arg(Arena.ofAuto().allocate(8)));
    }

    @Test
    void getdents64ListsADirectoryThroughTheRawPath() throws Exception {
        for (String name : List.of("a", "bb", "ccc")) {
            Files.writeString(dir.resolve(name), name);
        }
        FileHandle d = get(asys.open(dir, 0200000 /* O_DIRECTORY */, 0));
        try {
            MemorySegment buf = Arena.ofAuto().allocate(4096, 8);
            java.util.Set<String> names = new java.util.TreeSet<>();
            long n;
            while ((n = get(asys.syscall(RawCall.of("getdents64").arg((long) d.fd()).arg(buf).arg(buf.byteSize())))) > 0) {
                // struct linux_dirent64: d_ino (8), d_off (8), d_reclen (u16), d_type (u8), d_name (NUL-terminated)
                for (long at = 0; at < n; at += Short.toUnsignedInt(buf.get(java.lang.foreign.ValueLayout.JAVA_SHORT, at + 16))) {
                    names.add(buf.getString(at + 19));
                }
            }
            assertEquals(java.util.Set.of(".", "..", "a", "bb", "ccc"), names);
        } finally {
            get(asys.close(d));
        }
    }
}
