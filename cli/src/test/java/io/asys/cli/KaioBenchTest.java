package io.asys.cli;

import io.asys.ErrnoException;
import io.asys.kaio.IoContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code asys bench --engine kaio|kaio-asys}: the kernel's AIO and asys's KAIO run the file jobs. */
class KaioBenchTest {
    private static boolean kernelAio() {
        try {
            IoContext.setupKernel(1).destroy();
            return true;
        } catch (ErrnoException e) {
            return false;
        }
    }

    private static void check(CliRun r, String engine, String backend, int ops) {
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("\"engine\":\"" + engine + "\""), r.out());
        assertTrue(r.out().contains("backend=" + backend), r.out());
        assertTrue(r.out().contains("time_in_submit="), r.out());
        assertEquals(ops, CliRun.number(r.out(), "ops"));
        assertEquals(0, CliRun.number(r.out(), "errors"));
    }

    @Test
    void asysKaioRunsBufferedAndDirectReadsAndWrites(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("k.dat");
        check(CliRun.of("bench", "--engine", "kaio-asys", "--op", "randread", "--file", file.toString(), "--size", "1m",
                "--qd", "8", "--ops", "2000", "--json"), "kaio-asys", "asys-", 2000);
        assertEquals(1 << 20, Files.size(file));
        check(CliRun.of("bench", "--engine", "kaio-asys", "--op", "randread", "--direct", "--file", file.toString(),
                "--size", "1m", "--qd", "8", "--ops", "500", "--json"), "kaio-asys", "asys-", 500);
        check(CliRun.of("bench", "--engine", "kaio-asys", "--op", "write", "--file", file.toString(), "--size", "1m",
                "--qd", "4", "--ops", "300", "--json"), "kaio-asys", "asys-", 300);
    }

    @Test
    void kernelKaioRunsBufferedAndDirectReads(@TempDir Path dir) {
        assumeTrue(kernelAio(), "io_setup refused here");
        Path file = dir.resolve("k.dat");
        check(CliRun.of("bench", "--engine", "kaio", "--op", "randread", "--file", file.toString(), "--size", "1m",
                "--qd", "8", "--ops", "2000", "--json"), "kaio", "kernel", 2000);
        check(CliRun.of("bench", "--engine", "kaio", "--op", "read", "--direct", "--file", file.toString(),
                "--size", "1m", "--qd", "8", "--ops", "500", "--json"), "kaio", "kernel", 500);
    }

    @Test
    void kaioEnginesRefuseNopAndMetadataOps() {
        CliRun r = CliRun.of("bench", "--engine", "kaio", "--op", "nop");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("runs read, write, randread and randwrite"), r.err());
        assertEquals(2, CliRun.of("bench", "--engine", "kaio-asys", "--op", "statx").exit());
    }
}
