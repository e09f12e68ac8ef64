package io.asys.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code asys nbd serve} refuses what it cannot serve, with the reason, and exits non-zero. */
class NbdCommandTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFileIsNamedWithItsErrno() {
        CliRun r = CliRun.of("nbd", "serve", dir.resolve("nope.img").toString(), "--port", "0");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("nope.img") && r.err().contains("ENOENT"), r.err());
    }

    @Test
    void aPinnedServerOpensItsEnginesAndStillNamesAMissingFile() {
        // --pin opens the network engine pinned to a CPU before the export: that open succeeds and
        // is closed again when the export cannot be opened.
        CliRun r = CliRun.of("nbd", "serve", dir.resolve("nope.img").toString(), "--port", "0", "--pin");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("nope.img") && r.err().contains("ENOENT"), r.err());
    }

    @Test
    void aCpuThisProcessMayNotUseIsRefusedByName() throws Exception {
        Path f = java.nio.file.Files.write(dir.resolve("x.img"), new byte[4096]);
        CliRun r = CliRun.of("nbd", "serve", f.toString(), "--port", "0", "--pin", "--pin-cpu", "1000");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("--pin-cpu 1000") && r.err().contains("may use"), r.err());
    }

    @Test
    void aServerPinnedToANamedCpuStillNamesAMissingFile() throws Exception {
        int cpu = io.asys.uring.CpuAffinity.allowed()[0];
        CliRun r = CliRun.of("nbd", "serve", dir.resolve("nope.img").toString(), "--port", "0", "--pin", "--pin-cpu", String.valueOf(cpu));
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("nope.img") && r.err().contains("ENOENT"), r.err());
    }

    @Test
    void aBadRingCountIsRefused() throws Exception {
        Path f = java.nio.file.Files.write(dir.resolve("x.img"), new byte[4096]);
        CliRun r = CliRun.of("nbd", "serve", f.toString(), "--port", "0", "--rings", "17");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("--rings"), r.err());
    }

    @Test
    void usageNamesTheOptions() {
        CliRun r = CliRun.of("nbd", "serve", "--help");
        assertEquals(0, r.exit());
        for (String option : new String[]{"--port", "--bind", "--readonly", "--direct", "--engine", "--rings", "--pin", "--pin-writes", "--pin-cpu"}) {
            assertTrue(r.out().contains(option), option + " in " + r.out());
        }
    }
}
