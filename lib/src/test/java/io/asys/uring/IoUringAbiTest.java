package io.asys.uring;

import io.asys.internal.uring.BufRingDescriptor;
import io.asys.internal.uring.CqeDescriptor;
import io.asys.internal.uring.MsgHdrDescriptor;
import io.asys.internal.uring.EnterArgDescriptor;
import io.asys.internal.uring.ParamsDescriptor;
import io.asys.internal.uring.RegisterDescriptor;
import io.asys.internal.uring.SqeDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Pins the struct layouts and constants asys hard-codes against {@code <linux/io_uring.h>}, by
 * compiling a C program that prints what the compiler says. The installed header may be older
 * than the kernel ABI asys knows: constants it does not define are skipped, not failed.
 */
class IoUringAbiTest {
    private static final Path IO_URING_H = Path.of("/usr/include/linux/io_uring.h");
    private static final Path FS_H = Path.of("/usr/include/linux/fs.h");

    @TempDir
    Path dir;

    @Test
    void structSizesArePinnedWithoutACompiler() {
        assertEquals(64, SqeDescriptor.SIZE);
        assertEquals(16, CqeDescriptor.SIZE);
        assertEquals(120, ParamsDescriptor.SIZE);
        assertEquals(40, ParamsDescriptor.CQ_OFF - ParamsDescriptor.SQ_OFF);
        assertEquals(40, ParamsDescriptor.SIZE - ParamsDescriptor.CQ_OFF);
        assertEquals(24, EnterArgDescriptor.SIZE);
        assertEquals(16, EnterArgDescriptor.TIMESPEC_SIZE);
        assertEquals(16, RegisterDescriptor.PROBE_HEADER_SIZE);
        assertEquals(8, RegisterDescriptor.PROBE_OP_SIZE);
        assertEquals(16, RegisterDescriptor.RSRC_UPDATE_SIZE);
        assertEquals(16, RegisterDescriptor.IOVEC_SIZE);
    }

    @Test
    void opNamesMatchTheOpcodeConstants() throws Exception {
        for (Map.Entry<String, Long> c : abiConstants().entrySet()) {
            if (c.getKey().startsWith("IORING_OP_")) {
                assertEquals(c.getKey(), IoUringAbi.opName(c.getValue().intValue()));
            }
        }
        assertEquals("IORING_OP_#200", IoUringAbi.opName(200));
        assertEquals("IORING_OP_#-1", IoUringAbi.opName(-1));
    }

    @Test
    void layoutsAndConstantsMatchTheInstalledHeader() throws Exception {
        assumeTrue(Files.isReadable(IO_URING_H), "no " + IO_URING_H + " (install linux-libc-dev)");
        assumeTrue(canRun("gcc", "--version"), "no gcc");
        String header = stripComments(Files.readString(IO_URING_H));
        String fsHeader = Files.isReadable(FS_H) ? stripComments(Files.readString(FS_H)) : "";

        Map<String, String> cExpr = new LinkedHashMap<>();
        Map<String, Long> expected = new LinkedHashMap<>();
        layouts(header, cExpr, expected);
        List<String> skipped = new ArrayList<>();
        for (Map.Entry<String, Long> c : abiConstants().entrySet()) {
            String name = c.getKey();
            if (defines(header, name) || defines(fsHeader, name)) {
                cExpr.put(name, name);
                expected.put(name, c.getValue());
            } else {
                skipped.add(name);
            }
        }
        assertTrue(cExpr.containsKey("IORING_OP_READ") && cExpr.containsKey("IORING_SETUP_SQPOLL")
                && cExpr.containsKey("IORING_REGISTER_PROBE"), "header scan found nothing: " + skipped);

        Map<String, Long> actual = compileAndRun(cExpr);
        Map<String, String> mismatches = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            if (!e.getValue().equals(actual.get(e.getKey()))) {
                mismatches.put(e.getKey(), "asys " + e.getValue() + ", header " + actual.get(e.getKey()));
            }
        }
        assertEquals(Map.of(), mismatches);
        assertEquals(expected.size(), actual.size());
    }

    /** Every opcode the installed header names has a constant here (so opName never falls back for it). */
    @Test
    void everyOpcodeOfTheInstalledHeaderIsNamed() throws Exception {
        assumeTrue(Files.isReadable(IO_URING_H), "no " + IO_URING_H);
        Matcher m = Pattern.compile("\\b(IORING_OP_[A-Z0-9_]+)\\b").matcher(stripComments(Files.readString(IO_URING_H)));
        var missing = new TreeSet<String>();
        Map<String, Long> known = abiConstants();
        while (m.find()) {
            if (!m.group(1).equals("IORING_OP_LAST") && !known.containsKey(m.group(1))) {
                missing.add(m.group(1));
            }
        }
        assertEquals(new TreeSet<String>(), missing);
    }

    private static void layouts(String header, Map<String, String> cExpr, Map<String, Long> expected) {
        String sqe = "struct io_uring_sqe";
        put(cExpr, expected, "sizeof " + sqe, "sizeof(" + sqe + ")", SqeDescriptor.SIZE);
        field(cExpr, expected, sqe, "opcode", SqeDescriptor.OPCODE);
        field(cExpr, expected, sqe, "flags", SqeDescriptor.FLAGS);
        field(cExpr, expected, sqe, "ioprio", SqeDescriptor.IOPRIO);
        field(cExpr, expected, sqe, "fd", SqeDescriptor.FD);
        field(cExpr, expected, sqe, "off", SqeDescriptor.OFF);
        field(cExpr, expected, sqe, "addr", SqeDescriptor.ADDR);
        field(cExpr, expected, sqe, "len", SqeDescriptor.LEN);
        field(cExpr, expected, sqe, "rw_flags", SqeDescriptor.OP_FLAGS);
        field(cExpr, expected, sqe, "fsync_flags", SqeDescriptor.OP_FLAGS);
        field(cExpr, expected, sqe, "cancel_flags", SqeDescriptor.OP_FLAGS);
        field(cExpr, expected, sqe, "user_data", SqeDescriptor.USER_DATA);
        field(cExpr, expected, sqe, "buf_index", SqeDescriptor.BUF_INDEX);
        field(cExpr, expected, sqe, "personality", SqeDescriptor.PERSONALITY);
        field(cExpr, expected, sqe, "splice_fd_in", SqeDescriptor.FILE_INDEX);
        if (defines(header, "file_index")) {
            field(cExpr, expected, sqe, "file_index", SqeDescriptor.FILE_INDEX);
        }
        field(cExpr, expected, sqe, "addr3", SqeDescriptor.ADDR3);
        field(cExpr, expected, sqe, "__pad2", SqeDescriptor.PAD2);

        String cqe = "struct io_uring_cqe";
        put(cExpr, expected, "sizeof " + cqe, "sizeof(" + cqe + ")", CqeDescriptor.SIZE);
        field(cExpr, expected, cqe, "user_data", CqeDescriptor.USER_DATA);
        field(cExpr, expected, cqe, "res", CqeDescriptor.RES);
        field(cExpr, expected, cqe, "flags", CqeDescriptor.FLAGS);

        String params = "struct io_uring_params";
        put(cExpr, expected, "sizeof " + params, "sizeof(" + params + ")", ParamsDescriptor.SIZE);
        field(cExpr, expected, params, "sq_entries", ParamsDescriptor.SQ_ENTRIES);
        field(cExpr, expected, params, "cq_entries", ParamsDescriptor.CQ_ENTRIES);
        field(cExpr, expected, params, "flags", ParamsDescriptor.FLAGS);
        field(cExpr, expected, params, "sq_thread_cpu", ParamsDescriptor.SQ_THREAD_CPU);
        field(cExpr, expected, params, "sq_thread_idle", ParamsDescriptor.SQ_THREAD_IDLE);
        field(cExpr, expected, params, "features", ParamsDescriptor.FEATURES);
        field(cExpr, expected, params, "wq_fd", ParamsDescriptor.WQ_FD);
        field(cExpr, expected, params, "sq_off", ParamsDescriptor.SQ_OFF);
        field(cExpr, expected, params, "cq_off", ParamsDescriptor.CQ_OFF);
        String sqOff = "struct io_sqring_offsets";
        put(cExpr, expected, "sizeof " + sqOff, "sizeof(" + sqOff + ")", ParamsDescriptor.CQ_OFF - ParamsDescriptor.SQ_OFF);
        field(cExpr, expected, sqOff, "head", ParamsDescriptor.SQ_OFF_HEAD);
        field(cExpr, expected, sqOff, "tail", ParamsDescriptor.SQ_OFF_TAIL);
        field(cExpr, expected, sqOff, "ring_mask", ParamsDescriptor.SQ_OFF_RING_MASK);
        field(cExpr, expected, sqOff, "ring_entries", ParamsDescriptor.SQ_OFF_RING_ENTRIES);
        field(cExpr, expected, sqOff, "flags", ParamsDescriptor.SQ_OFF_FLAGS);
        field(cExpr, expected, sqOff, "dropped", ParamsDescriptor.SQ_OFF_DROPPED);
        field(cExpr, expected, sqOff, "array", ParamsDescriptor.SQ_OFF_ARRAY);
        String cqOff = "struct io_cqring_offsets";
        put(cExpr, expected, "sizeof " + cqOff, "sizeof(" + cqOff + ")", ParamsDescriptor.SIZE - ParamsDescriptor.CQ_OFF);
        field(cExpr, expected, cqOff, "head", ParamsDescriptor.CQ_OFF_HEAD);
        field(cExpr, expected, cqOff, "tail", ParamsDescriptor.CQ_OFF_TAIL);
        field(cExpr, expected, cqOff, "ring_mask", ParamsDescriptor.CQ_OFF_RING_MASK);
        field(cExpr, expected, cqOff, "ring_entries", ParamsDescriptor.CQ_OFF_RING_ENTRIES);
        field(cExpr, expected, cqOff, "overflow", ParamsDescriptor.CQ_OFF_OVERFLOW);
        field(cExpr, expected, cqOff, "cqes", ParamsDescriptor.CQ_OFF_CQES);
        field(cExpr, expected, cqOff, "flags", ParamsDescriptor.CQ_OFF_FLAGS);

        String probe = "struct io_uring_probe";
        put(cExpr, expected, "sizeof " + probe, "sizeof(" + probe + ")", RegisterDescriptor.PROBE_HEADER_SIZE);
        field(cExpr, expected, probe, "last_op", RegisterDescriptor.PROBE_LAST_OP);
        field(cExpr, expected, probe, "ops_len", RegisterDescriptor.PROBE_OPS_LEN);
        field(cExpr, expected, probe, "ops", RegisterDescriptor.PROBE_HEADER_SIZE);
        String probeOp = "struct io_uring_probe_op";
        put(cExpr, expected, "sizeof " + probeOp, "sizeof(" + probeOp + ")", RegisterDescriptor.PROBE_OP_SIZE);
        field(cExpr, expected, probeOp, "op", RegisterDescriptor.PROBE_OP_OP);
        field(cExpr, expected, probeOp, "flags", RegisterDescriptor.PROBE_OP_FLAGS);

        String update = "struct io_uring_rsrc_update";
        put(cExpr, expected, "sizeof " + update, "sizeof(" + update + ")", RegisterDescriptor.RSRC_UPDATE_SIZE);
        field(cExpr, expected, update, "offset", RegisterDescriptor.RSRC_UPDATE_OFFSET);
        field(cExpr, expected, update, "data", RegisterDescriptor.RSRC_UPDATE_DATA);
        String iovec = "struct iovec";
        put(cExpr, expected, "sizeof " + iovec, "sizeof(" + iovec + ")", RegisterDescriptor.IOVEC_SIZE);
        field(cExpr, expected, iovec, "iov_base", RegisterDescriptor.IOVEC_BASE);
        field(cExpr, expected, iovec, "iov_len", RegisterDescriptor.IOVEC_LEN);

        String buf = "struct io_uring_buf";
        put(cExpr, expected, "sizeof " + buf, "sizeof(" + buf + ")", BufRingDescriptor.BUF_SIZE);
        field(cExpr, expected, buf, "addr", BufRingDescriptor.BUF_ADDR);
        field(cExpr, expected, buf, "len", BufRingDescriptor.BUF_LEN);
        field(cExpr, expected, buf, "bid", BufRingDescriptor.BUF_BID);
        field(cExpr, expected, buf, "resv", BufRingDescriptor.RING_TAIL);
        put(cExpr, expected, "io_uring_buf_ring.tail", "offsetof(struct io_uring_buf_ring, tail)", BufRingDescriptor.RING_TAIL);
        String reg = "struct io_uring_buf_reg";
        put(cExpr, expected, "sizeof " + reg, "sizeof(" + reg + ")", BufRingDescriptor.REG_SIZE);
        field(cExpr, expected, reg, "ring_addr", BufRingDescriptor.REG_RING_ADDR);
        field(cExpr, expected, reg, "ring_entries", BufRingDescriptor.REG_RING_ENTRIES);
        field(cExpr, expected, reg, "bgid", BufRingDescriptor.REG_BGID);
        String msg = "struct msghdr";
        put(cExpr, expected, "sizeof " + msg, "sizeof(" + msg + ")", MsgHdrDescriptor.SIZE);
        field(cExpr, expected, msg, "msg_name", MsgHdrDescriptor.NAME);
        field(cExpr, expected, msg, "msg_namelen", MsgHdrDescriptor.NAMELEN);
        field(cExpr, expected, msg, "msg_iov", MsgHdrDescriptor.IOV);
        field(cExpr, expected, msg, "msg_iovlen", MsgHdrDescriptor.IOVLEN);
        field(cExpr, expected, msg, "msg_control", MsgHdrDescriptor.CONTROL);
        field(cExpr, expected, msg, "msg_controllen", MsgHdrDescriptor.CONTROLLEN);
        field(cExpr, expected, msg, "msg_flags", MsgHdrDescriptor.FLAGS);
        put(cExpr, expected, "sizeof struct sockaddr_storage", "sizeof(struct sockaddr_storage)",
                MsgHdrDescriptor.SOCKADDR_STORAGE_SIZE);

        String arg = "struct io_uring_getevents_arg";
        put(cExpr, expected, "sizeof " + arg, "sizeof(" + arg + ")", EnterArgDescriptor.SIZE);
        field(cExpr, expected, arg, "sigmask", EnterArgDescriptor.SIGMASK);
        field(cExpr, expected, arg, "sigmask_sz", EnterArgDescriptor.SIGMASK_SZ);
        // Older headers call min_wait_usec (6.12+) "pad".
        field(cExpr, expected, arg, defines(header, "min_wait_usec") ? "min_wait_usec" : "pad",
                EnterArgDescriptor.MIN_WAIT_USEC);
        field(cExpr, expected, arg, "ts", EnterArgDescriptor.TS);
        String ts = "struct __kernel_timespec";
        put(cExpr, expected, "sizeof " + ts, "sizeof(" + ts + ")", EnterArgDescriptor.TIMESPEC_SIZE);
        field(cExpr, expected, ts, "tv_sec", EnterArgDescriptor.TV_SEC);
        field(cExpr, expected, ts, "tv_nsec", EnterArgDescriptor.TV_NSEC);
    }

    private static void field(Map<String, String> cExpr, Map<String, Long> expected, String struct, String field,
                              long offset) {
        put(cExpr, expected, struct + "." + field, "offsetof(" + struct + ", " + field + ")", offset);
    }

    private static void put(Map<String, String> cExpr, Map<String, Long> expected, String name, String expr, long v) {
        cExpr.put(name, expr);
        expected.put(name, v);
    }

    /** Every public static int or long constant of {@link IoUringAbi}, by name. */
    private static Map<String, Long> abiConstants() throws IllegalAccessException {
        Map<String, Long> constants = new LinkedHashMap<>();
        for (Field f : IoUringAbi.class.getFields()) {
            int m = f.getModifiers();
            if (Modifier.isStatic(m) && Modifier.isFinal(m)) {
                if (f.getType() == int.class) {
                    constants.put(f.getName(), (long) f.getInt(null));
                } else if (f.getType() == long.class) {
                    constants.put(f.getName(), f.getLong(null));
                }
            }
        }
        return constants;
    }

    private Map<String, Long> compileAndRun(Map<String, String> cExpr) throws Exception {
        StringBuilder c = new StringBuilder("""
                #include <stddef.h>
                #include <stdio.h>
                #include <sys/uio.h>
                #include <sys/socket.h>
                #include <linux/time_types.h>
                #include <linux/io_uring.h>

                int main(void) {
                """);
        // '|' separates name and value: the struct names contain spaces.
        cExpr.forEach((name, expr) ->
                c.append("    printf(\"%s|%lld\\n\", \"").append(name).append("\", (long long) (").append(expr).append("));\n"));
        c.append("    return 0;\n}\n");
        Path source = dir.resolve("abi.c");
        Path binary = dir.resolve("abi");
        Files.writeString(source, c);
        String compiled = run(List.of("gcc", "-o", binary.toString(), source.toString()));
        assertTrue(Files.isExecutable(binary), "gcc failed:\n" + compiled);
        Map<String, Long> values = new LinkedHashMap<>();
        for (String line : run(List.of(binary.toString())).split("\n")) {
            if (!line.isBlank()) {
                int bar = line.lastIndexOf('|');
                values.put(line.substring(0, bar), Long.parseLong(line.substring(bar + 1)));
            }
        }
        return values;
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

    private static boolean defines(String header, String name) {
        return Pattern.compile("\\b" + Pattern.quote(name) + "\\b").matcher(header).find();
    }

    private static String stripComments(String c) {
        return c.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
    }
}
