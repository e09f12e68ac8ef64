package io.asys.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench --engine vt|jdk-vt}: blocking reads on many virtual threads, asys's facade and the JDK's channel. */
class VirtualThreadBenchTest {
    @Test
    void bothEnginesDoExactlyTheRequestedReadsOnVirtualThreads(@TempDir Path dir) {
        Path file = dir.resolve("vt.dat");
        for (String engine : new String[] {"vt", "jdk-vt"}) {
            CliRun r = CliRun.of("bench", "--engine", engine, "--threads", "200", "--op", "randread",
                    "--file", file.toString(), "--size", "1m", "--ops", "4000", "--json");
            assertEquals(0, r.exit(), r.err());
            String json = r.out().trim();
            assertTrue(json.contains("\"engine\":\"" + engine + "\"") && json.contains("\"threads\":200"), json);
            assertEquals(4000, CliRun.number(json, "ops"));
            assertEquals(0, CliRun.number(json, "errors"));
            assertEquals(4000.0 * 4096, CliRun.number(json, "mib_s") * CliRun.number(json, "seconds") * (1 << 20), 4000.0 * 4096 * 0.01,
                    "bytes read = ops x 4 KiB (mib_s and seconds are rounded in the JSON)");
            assertTrue(CliRun.number(json, "os_threads_max") >= 2, json);
        }
    }

    @Test
    void writesToo(@TempDir Path dir) {
        CliRun r = CliRun.of("bench", "--engine", "vt", "--threads", "10", "--op", "randwrite",
                "--file", dir.resolve("w.dat").toString(), "--size", "256k", "--ops", "500", "--json");
        assertEquals(0, r.exit(), r.err());
        assertEquals(500, CliRun.number(r.out(), "ops"));
    }

    @Test
    void refusesWhatItCannotRun() {
        CliRun nop = CliRun.of("bench", "--engine", "vt", "--op", "nop");
        assertEquals(2, nop.exit());
        assertTrue(nop.err().contains("runs read, write, randread and randwrite"), nop.err());
        CliRun many = CliRun.of("bench", "--engine", "jdk-vt", "--op", "randread", "--threads", "100001");
        assertEquals(2, many.exit());
        assertTrue(many.err().contains("1..100000"), many.err());
    }
}
