package io.asys.cli;

import io.asys.uring.IoUringSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BenchCommandTest {
    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static double number(String json, String key) {
        return CliRun.number(json, key);
    }

    @Test
    void nopJsonCarriesTheDocumentedKeys() {
        assumeTrue(IoUringSupport.isAvailable(), IoUringSupport::unavailabilityCause);
        CliRun r = run("bench", "--op", "nop", "--batch", "8", "--ops", "800", "--json");
        assertEquals(0, r.exit(), r.err());
        String json = r.out().trim();
        assertTrue(json.contains("\"engine\":\"uring\""), json);
        assertEquals(800, number(json, "ops"));
        for (String key : new String[] {"seconds", "iops", "mib_s", "cpu_user_s", "cpu_sys_s", "cpu_us_per_op",
                "os_threads_max", "p50", "p99", "p999", "max"}) {
            assertTrue(number(json, key) >= 0, key);
        }
        assertTrue(number(json, "os_threads_max") >= 2);
        assertTrue(number(json, "p50") <= number(json, "max"));
    }

    @Test
    void randreadCreatesTheFileAndDoesExactlyTheRequestedOps(@TempDir Path dir) throws Exception {
        assumeTrue(IoUringSupport.isAvailable(), IoUringSupport::unavailabilityCause);
        Path file = dir.resolve("bench.dat");
        CliRun r = run("bench", "--op", "randread", "--file", file.toString(), "--size", "1m", "--bs", "4k",
                "--qd", "8", "--ops", "3000", "--json");
        assertEquals(0, r.exit(), r.err());
        assertEquals(1 << 20, Files.size(file));
        assertEquals(3000, number(r.out(), "ops"));
        assertEquals(0, number(r.out(), "errors"));
        // mib_s and seconds are printed with 4 decimals: a run of a few ms makes their product only ~1% exact.
        assertEquals(3000.0 * 4096 / (1 << 20), number(r.out(), "mib_s") * number(r.out(), "seconds"),
                0.02 * 3000.0 * 4096 / (1 << 20));
    }

    @Test
    void randwriteWritesThroughTheRing(@TempDir Path dir) {
        assumeTrue(IoUringSupport.isAvailable(), IoUringSupport::unavailabilityCause);
        Path file = dir.resolve("w.dat");
        CliRun r = run("bench", "--op", "randwrite", "--file", file.toString(), "--size", "256k", "--qd", "4",
                "--ops", "500", "--json");
        assertEquals(0, r.exit(), r.err());
        assertEquals(500, number(r.out(), "ops"));
    }

    @Test
    void workersEngineRunsTheSameJobs(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("w.dat");
        CliRun r = run("bench", "--op", "randread", "--engine", "workers", "--file", file.toString(), "--size", "1m",
                "--qd", "8", "--ops", "2000", "--json");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("\"engine\":\"workers\""), r.out());
        assertEquals(2000, number(r.out(), "ops"));
        assertEquals(0, number(r.out(), "errors"));
    }

    @Test
    void longRunsOfInlineCompletionsDoNotDeepenTheStack() {
        // The worker engine completes NOPs inline: 300,000 in a row once overflowed the stack.
        CliRun r = run("bench", "--op", "nop", "--engine", "workers", "--qd", "1", "--ops", "300000", "--json");
        assertEquals(0, r.exit(), r.err());
        assertEquals(300000, number(r.out(), "ops"));
        assumeTrue(IoUringSupport.isAvailable(), IoUringSupport::unavailabilityCause);
        CliRun typed = run("bench", "--op", "nop", "--engine", "typed-uring", "--qd", "4", "--ops", "20000", "--json");
        assertEquals(0, typed.exit(), typed.err());
        assertEquals(20000, number(typed.out(), "ops"));
    }

    @Test
    void anUnknownEngineIsRefusedWithTheListOfEngines() {
        CliRun r = run("bench", "--engine", "kaio2");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("unknown --engine 'kaio2'") && r.err().contains("jdk-vt"), r.err());
    }

    @Test
    void directNeedsSectorMultipleBlockSize() {
        CliRun r = run("bench", "--op", "randread", "--direct", "--bs", "1000");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("multiple of 512"), r.err());
    }

    @Test
    void readingADirectoryReportsTheErrnoAndThePath(@TempDir Path dir) {
        assumeTrue(IoUringSupport.isAvailable(), IoUringSupport::unavailabilityCause);
        CliRun r = run("bench", "--op", "randread", "--file", dir.toString(), "--size", "4k", "--ops", "10");
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("EISDIR") && r.out().contains(dir.toString()), r.out());
    }

    @Test
    void noArgumentsPrintsHelpWithEveryCommand() {
        CliRun r = run();
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("bench") && r.out().contains("info"), r.out());
    }
}
