package io.asys.uring;

import io.asys.Errno;
import io.asys.ErrnoException;
import io.asys.FileDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** IORING_REGISTER_RESTRICTIONS: a ring locked to NOPs refuses a read, exactly, and stays locked. */
class RestrictionsTest {
    @TempDir
    Path dir;

    @Test
    void aRingLockedToNopsRefusesReadsWithEacces() throws Exception {
        assumeTrue(IoUringSupport.isAvailable(), IoUringSupport::unavailabilityCause);
        int fd = FileDescriptors.open(Files.writeString(dir.resolve("f"), "data"), FileDescriptors.O_RDONLY, 0);
        try (IoUring ring = IoUring.openDisabled(IoUringConfig.defaults());
             Arena arena = Arena.ofConfined()) {
            ring.getSqe().prepNop();
            assertEquals(-Errno.EBADFD, ring.submit(), "a disabled ring takes no submission");
            ring.registerRestrictions(new IoUringRestrictions().allowOp(IoUringAbi.IORING_OP_NOP));
            ring.enable();
            long read = ring.getSqe().prepRead(fd, arena.allocate(16), 0).userData();
            long nop = ring.getSqe().prepNop().userData();
            ring.submitAndWait(3);
            Map<Long, Integer> results = new HashMap<>();
            while (results.size() < 3) {
                ring.reap((ud, res, flags) -> results.put(ud, res));
                if (results.size() < 3) {
                    ring.submitAndWait(1);
                }
            }
            assertEquals(-Errno.EACCES, results.get(read), "IORING_OP_READ is not allowed");
            assertEquals(0, results.get(nop));
            ErrnoException again = assertThrows(ErrnoException.class,
                    () -> ring.registerRestrictions(new IoUringRestrictions().allowOp(IoUringAbi.IORING_OP_READ)));
            // A restricted ring allows only the register operations listed: registering more restrictions is one.
            assertEquals(Errno.EACCES, again.errno(), "restrictions cannot be loosened once enabled");
            ErrnoException files = assertThrows(ErrnoException.class, () -> ring.registerFiles(fd));
            assertEquals(Errno.EACCES, files.errno(), "register operations not allowed are refused too");
        } finally {
            FileDescriptors.close(fd);
        }
    }

    @Test
    void aRestrictionValueIsOneByte() {
        assertThrows(IllegalArgumentException.class, () -> new IoUringRestrictions().allowOp(256));
        assertThrows(IllegalArgumentException.class, () -> new IoUringRestrictions().allowOp(-1));
    }
}
