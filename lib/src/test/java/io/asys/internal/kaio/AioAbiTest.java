package io.asys.internal.kaio;

import io.asys.internal.linux.SyscallNumbers;
import io.asys.kaio.Iocb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The KAIO structs, opcodes, flags and system-call numbers against the installed kernel headers (compiled with gcc). */
class AioAbiTest {
    private static final Path AIO_ABI_H = Path.of("/usr/include/linux/aio_abi.h");

    @TempDir
    Path dir;

    @Test
    void layoutsConstantsAndSyscallNumbersMatchTheInstalledHeaders() throws Exception {
        assumeTrue(Files.isReadable(AIO_ABI_H), "no " + AIO_ABI_H + " (install linux-libc-dev)");
        assumeTrue(canRun("gcc", "--version"), "no gcc");
        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("sizeof(struct iocb)", (long) AioDescriptor.IOCB_SIZE);
        expected.put("offsetof(struct iocb, aio_data)", (long) AioDescriptor.IOCB_DATA);
        expected.put("offsetof(struct iocb, aio_key)", (long) AioDescriptor.IOCB_KEY);
        expected.put("offsetof(struct iocb, aio_rw_flags)", (long) AioDescriptor.IOCB_RW_FLAGS);
        expected.put("offsetof(struct iocb, aio_lio_opcode)", (long) AioDescriptor.IOCB_LIO_OPCODE);
        expected.put("offsetof(struct iocb, aio_reqprio)", (long) AioDescriptor.IOCB_REQPRIO);
        expected.put("offsetof(struct iocb, aio_fildes)", (long) AioDescriptor.IOCB_FILDES);
        expected.put("offsetof(struct iocb, aio_buf)", (long) AioDescriptor.IOCB_BUF);
        expected.put("offsetof(struct iocb, aio_nbytes)", (long) AioDescriptor.IOCB_NBYTES);
        expected.put("offsetof(struct iocb, aio_offset)", (long) AioDescriptor.IOCB_OFFSET);
        expected.put("offsetof(struct iocb, aio_reserved2)", (long) AioDescriptor.IOCB_RESERVED2);
        expected.put("offsetof(struct iocb, aio_flags)", (long) AioDescriptor.IOCB_FLAGS);
        expected.put("offsetof(struct iocb, aio_resfd)", (long) AioDescriptor.IOCB_RESFD);
        expected.put("sizeof(struct io_event)", (long) AioDescriptor.EVENT_SIZE);
        expected.put("offsetof(struct io_event, data)", (long) AioDescriptor.EVENT_DATA);
        expected.put("offsetof(struct io_event, obj)", (long) AioDescriptor.EVENT_OBJ);
        expected.put("offsetof(struct io_event, res)", (long) AioDescriptor.EVENT_RES);
        expected.put("offsetof(struct io_event, res2)", (long) AioDescriptor.EVENT_RES2);
        expected.put("sizeof(struct timespec)", (long) AioDescriptor.TIMESPEC_SIZE);
        expected.put("IOCB_CMD_PREAD", (long) Iocb.IOCB_CMD_PREAD);
        expected.put("IOCB_CMD_PWRITE", (long) Iocb.IOCB_CMD_PWRITE);
        expected.put("IOCB_CMD_FSYNC", (long) Iocb.IOCB_CMD_FSYNC);
        expected.put("IOCB_CMD_FDSYNC", (long) Iocb.IOCB_CMD_FDSYNC);
        expected.put("IOCB_CMD_POLL", (long) Iocb.IOCB_CMD_POLL);
        expected.put("IOCB_CMD_NOOP", (long) Iocb.IOCB_CMD_NOOP);
        expected.put("IOCB_CMD_PREADV", (long) Iocb.IOCB_CMD_PREADV);
        expected.put("IOCB_CMD_PWRITEV", (long) Iocb.IOCB_CMD_PWRITEV);
        expected.put("IOCB_FLAG_RESFD", (long) Iocb.IOCB_FLAG_RESFD);
        expected.put("RWF_HIPRI", (long) Iocb.RWF_HIPRI);
        expected.put("RWF_DSYNC", (long) Iocb.RWF_DSYNC);
        expected.put("RWF_SYNC", (long) Iocb.RWF_SYNC);
        expected.put("RWF_NOWAIT", (long) Iocb.RWF_NOWAIT);
        expected.put("RWF_APPEND", (long) Iocb.RWF_APPEND);
        expected.put("RWF_NOAPPEND", (long) Iocb.RWF_NOAPPEND);
        expected.put("SYS_io_setup", SyscallNumbers.IO_SETUP);
        expected.put("SYS_io_destroy", SyscallNumbers.IO_DESTROY);
        expected.put("SYS_io_getevents", SyscallNumbers.IO_GETEVENTS);
        expected.put("SYS_io_submit", SyscallNumbers.IO_SUBMIT);
        expected.put("SYS_io_cancel", SyscallNumbers.IO_CANCEL);
        expected.put("SYS_fcntl", SyscallNumbers.FCNTL);
        expected.put("F_GETFL", 3L);

        StringBuilder c = new StringBuilder("""
                #include <stddef.h>
                #include <stdio.h>
                #include <time.h>
                #include <fcntl.h>
                #include <sys/syscall.h>
                #include <linux/fs.h>
                #include <linux/aio_abi.h>

                int main(void) {
                """);
        // RWF_* are macros, newer ones missing from older headers: printed only where defined.
        expected.keySet().forEach(expr -> {
            boolean optional = expr.startsWith("RWF_") && !expr.equals("RWF_HIPRI");
            c.append(optional ? "#ifdef " + expr + "\n" : "")
                    .append("    printf(\"%s|%lld\\n\", \"").append(expr).append("\", (long long) (").append(expr).append("));\n")
                    .append(optional ? "#endif\n" : "");
        });
        c.append("    return 0;\n}\n");
        Path source = Files.writeString(dir.resolve("aio.c"), c);
        Path binary = dir.resolve("aio");
        String compiled = run(List.of("gcc", "-o", binary.toString(), source.toString()));
        assertTrue(Files.isExecutable(binary), "gcc failed:\n" + compiled);
        Map<String, Long> actual = new LinkedHashMap<>();
        for (String line : run(List.of(binary.toString())).split("\n")) {
            if (!line.isBlank()) {
                int bar = line.lastIndexOf('|');
                actual.put(line.substring(0, bar), Long.parseLong(line.substring(bar + 1)));
            }
        }
        Map<String, Long> compared = new LinkedHashMap<>(expected);
        compared.keySet().removeIf(k -> k.startsWith("RWF_") && !actual.containsKey(k));
        assertEquals(compared, actual);
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "timed out: " + command);
        return out;
    }

    private static boolean canRun(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
