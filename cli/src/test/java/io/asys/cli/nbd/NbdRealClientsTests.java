package io.asys.cli.nbd;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The server with NBD clients nobody here wrote: nbdinfo, nbdcopy and nbdsh (libnbd), qemu-img,
 * and fio's nbd engine. Data written through one client is read back through another and
 * compared with what the file holds. {@code bench/peers/nbd-setup.sh} (run by {@code run-tests})
 * installs the tools; without them the tests are skipped, except under CI, where they fail.
 * Run on each engine by a subclass.
 */
@Timeout(300)
abstract class NbdRealClientsTests {
    static final int SIZE = 64 << 20;

    @TempDir
    Path dir;
    NbdServerFixture fx;

    abstract String engine();

    @BeforeEach
    void start() throws Exception {
        fx = new NbdServerFixture(engine(), dir, SIZE, false, false);
        // As `asys nbd serve` does by default: large reads of cached data leave from the mapping.
        assertNull(fx.server.useMappedReads(true));
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    static void needTool(String tool) {
        boolean present = Files.isExecutable(Path.of("/usr/bin", tool));
        if (!present && System.getenv("CI") != null) {
            fail(tool + " is missing: bench/peers/nbd-setup.sh installs it");
        }
        assumeTrue(present, tool + " is missing (bench/peers/nbd-setup.sh installs it)");
    }

    /** Runs a client to completion (2 minutes at most) and returns what it printed; fails on a non-zero exit. */
    String run(String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "client", ".out");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        // Debian's tools and their Python, not whatever python3 comes first on the PATH.
        pb.environment().put("PATH", "/usr/bin:/bin:/usr/sbin:/sbin");
        pb.environment().remove("PYTHONPATH");
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " timed out; output: " + Files.readString(out));
        }
        String output = Files.readString(out);
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + " failed: " + output + "\nserver log: " + fx.log);
        return output;
    }

    private Path randomFile(String name, int size, int seed) throws IOException {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return Files.write(dir.resolve(name), b);
    }

    @Test
    void nbdinfoSeesTheExport() throws Exception {
        needTool("nbdinfo");
        String json = run("/usr/bin/nbdinfo", "--json", fx.uri());
        assertTrue(json.contains("\"export-size\": " + SIZE), json);
        for (String can : List.of("can_flush", "can_fua", "can_trim", "can_zero", "can_multi_conn", "can_df")) {
            assertTrue(json.contains("\"" + can + "\": true"), can + " in " + json);
        }
        assertTrue(json.contains("\"is_read_only\": false"), json);
        assertTrue(json.contains("\"block_size_maximum\": " + (32 << 20)), json);
        assertTrue(run("/usr/bin/nbdinfo", "--list", fx.uri()).contains("export=\"disk\""));
    }

    @Test
    void qemuImgWritesAndNbdcopyReadsBack() throws Exception {
        needTool("qemu-img");
        needTool("nbdcopy");
        Path src = randomFile("src.raw", SIZE, 1);
        run("/usr/bin/qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", src.toString(), fx.uri());
        Path back = dir.resolve("back.raw");
        run("/usr/bin/nbdcopy", fx.uri(), back.toString());
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(back));
        assertTrue(fx.server.readsFromPageCache() > 0, "nbdcopy's large reads of just-written data left from the mapping");
        assertArrayEquals(Files.readAllBytes(src), fx.onDisk());
        run("/usr/bin/qemu-img", "compare", "-f", "raw", "-F", "raw", src.toString(), fx.uri());
    }

    @Test
    void nbdcopyWritesOverManyConnectionsAndQemuImgReadsBack() throws Exception {
        needTool("qemu-img");
        needTool("nbdcopy");
        Path src = randomFile("src.raw", SIZE, 2);
        run("/usr/bin/nbdcopy", "--connections=4", "--requests=32", src.toString(), fx.uri());
        assertTrue(fx.server.accepted() >= 2, "nbdcopy used multi-conn: " + fx.server.accepted() + " connections");
        Path back = dir.resolve("back.raw");
        run("/usr/bin/qemu-img", "convert", "-f", "raw", "-O", "raw", fx.uri(), back.toString());
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(back));
        assertArrayEquals(Files.readAllBytes(src), fx.onDisk());
    }

    @Test
    void nbdshScriptUsesEveryCommand() throws Exception {
        needTool("nbdsh");
        String script = String.join("\n",
                "import errno",
                "assert h.get_size() == " + SIZE,
                "assert h.get_structured_replies_negotiated()",
                "data = bytes(range(256)) * 4096",
                "h.pwrite(data, 1 << 20, nbd.CMD_FLAG_FUA)",
                "assert h.pread(len(data), 1 << 20) == data",
                "h.zero(65536, (1 << 20) + 4096)",
                "assert h.pread(65536, (1 << 20) + 4096) == bytes(65536)",
                "h.zero(8192, 3 << 20, nbd.CMD_FLAG_NO_HOLE)",
                "assert h.pread(8192, 3 << 20) == bytes(8192)",
                "h.trim(1 << 20, 8 << 20)",
                "h.cache(1 << 20, 0)",
                "h.flush()",
                "try:",
                "    h.pread(4096, " + SIZE + " - 100)",
                "    raise AssertionError('read past the end succeeded')",
                "except nbd.Error as e:",
                "    assert e.errnum == errno.EINVAL, e",
                "cookies = [h.aio_pread(nbd.Buffer(4096), i * 4096) for i in range(64)]",
                "while h.aio_in_flight() > 0:",
                "    h.poll(-1)",
                "for c in cookies:",
                "    assert h.aio_command_completed(c)",
                "h.shutdown()",
                "print('nbdsh ok')");
        assertTrue(run("/usr/bin/nbdsh", "-u", fx.uri(), "-c", script).contains("nbdsh ok"));
        byte[] disk = fx.onDisk();
        byte[] expected = new byte[1 << 20];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) i;
        }
        System.arraycopy(new byte[65536], 0, expected, 4096, 65536);
        assertArrayEquals(expected, Arrays.copyOfRange(disk, 1 << 20, 2 << 20));
    }

    @Test
    void fioNbdEngineVerifiesWhatItWrote() throws Exception {
        needTool("fio");
        String engines = run("/usr/bin/fio", "--enghelp");
        assumeTrue(engines.contains("nbd"), "this fio has no nbd engine");
        List<String> job = new ArrayList<>(List.of("/usr/bin/fio", "--name=verify", "--ioengine=nbd", "--uri=" + fx.uri(),
                "--rw=randwrite", "--bs=4k", "--iodepth=32", "--size=16m", "--verify=crc32c", "--do_verify=1",
                "--verify_fatal=1", "--output-format=terse"));
        String out = run(job.toArray(String[]::new));
        // Terse format: field 5 is the error code of the job.
        String[] fields = out.lines().filter(l -> l.startsWith("3;")).findFirst().orElseThrow(() -> new AssertionError(out)).split(";");
        assertEquals("0", fields[4], out);
    }
}
