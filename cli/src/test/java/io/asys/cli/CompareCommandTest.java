package io.asys.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.asys.uring.IoUringSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code asys compare} and {@code bench --job/--report}: fio job files, rounds, JSON and the HTML page. */
class CompareCommandTest {
    private static Path job(Path dir, String rw) throws Exception {
        Path job = dir.resolve("job.fio");
        Files.writeString(job, """
                ; a small job
                [global]
                ioengine=io_uring
                filename=%s
                size=1m
                direct=1
                runtime=200ms
                time_based

                [small]
                rw=%s
                bs=4k
                iodepth=4
                """.formatted(dir.resolve("data.bin"), rw));
        return job;
    }

    private static boolean fioInstalled() {
        return Files.isExecutable(Path.of("/usr/bin/fio")) || Files.isExecutable(Path.of("/usr/local/bin/fio"));
    }

    @Test
    void compareRunsEveryEngineEveryRoundAndWritesJsonAndHtml(@TempDir Path dir) throws Exception {
        assumeTrue(IoUringSupport.isAvailable(), IoUringSupport::unavailabilityCause);
        String engines = fioInstalled() ? "fio-io_uring,uring,jdk-async" : "uring,jdk-async";
        Path html = dir.resolve("out/report.html");
        CliRun r = CliRun.of("compare", job(dir, "randread").toString(), "--rounds", "2", "--engines", engines,
                "--json", "--report", html.toString());
        assertEquals(0, r.exit(), r.err());
        JsonObject json = JsonParser.parseString(r.out()).getAsJsonObject();
        JsonArray list = json.getAsJsonArray("engines");
        assertEquals(engines.split(",").length, list.size());
        for (var e : list) {
            JsonObject o = e.getAsJsonObject();
            assertEquals(2, o.getAsJsonArray("rounds_iops").size(), o.toString());
            assertTrue(o.get("iops_median").getAsDouble() > 0, o.toString());
            assertTrue(o.get("iops_min").getAsDouble() <= o.get("iops_max").getAsDouble());
            assertTrue(o.getAsJsonObject("median_round").getAsJsonObject("lat_ns").get("p50").getAsLong() > 0);
        }
        if (fioInstalled()) {
            assertEquals("fio-io_uring", json.get("reference").getAsString());
            assertEquals(1.0, list.get(0).getAsJsonObject().get("vs_reference").getAsDouble(), 1e-9);
        }
        String page = Files.readString(html);
        assertEquals(3, page.split("<svg ").length - 1, "three charts");
        assertTrue(page.contains("jdk-async"));
        assertFalse(page.contains("<script") || page.contains("src=") || page.contains("href="), "self-contained");
    }

    @Test
    void benchReadsTheJobFileAndTheCommandLineWins(@TempDir Path dir) throws Exception {
        assumeTrue(IoUringSupport.isAvailable(), IoUringSupport::unavailabilityCause);
        Path html = dir.resolve("bench.html");
        CliRun r = CliRun.of("bench", "--job", job(dir, "randread").toString(), "--iodepth", "2", "--ops", "300",
                "--json", "--report", html.toString());
        assertEquals(0, r.exit(), r.err());
        JsonObject json = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals("randread", json.get("op").getAsString());
        assertEquals(4096, json.get("bs").getAsInt());
        assertEquals(2, json.get("qd").getAsInt());
        assertTrue(json.get("direct").getAsBoolean());
        assertEquals(dir.resolve("data.bin").toString(), json.get("file").getAsString());
        assertEquals(300, json.get("ops").getAsLong());
        assertTrue(Files.readString(html).contains("<svg "));
    }

    @Test
    void fioOptionNamesAreAliases(@TempDir Path dir) throws Exception {
        CliRun r = CliRun.of("bench", "--engine", "jdk-async", "--rw", "randread", "--bs", "4k", "--iodepth", "3",
                "--numjobs", "1", "--runtime", "5", "--ops", "200", "--size", "256k",
                "--filename", dir.resolve("d.bin").toString(), "--direct=1", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonObject json = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals("jdk-async", json.get("engine").getAsString());
        assertEquals(3, json.get("qd").getAsInt());
        assertTrue(json.get("direct").getAsBoolean());
        assertEquals(200, json.get("ops").getAsLong());
        assertEquals(0, json.get("errors").getAsLong());
        assertEquals(256 << 10, Files.size(dir.resolve("d.bin")));
    }

    @Test
    void badJobsAndEnginesAreRefusedClearly(@TempDir Path dir) throws Exception {
        CliRun r = CliRun.of("compare", job(dir, "statx").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("the job has rw=statx"), r.err());
        r = CliRun.of("compare", dir.resolve("nope.fio").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("cannot read the job file"), r.err());
        r = CliRun.of("compare", job(dir, "read").toString(), "--engines", "jdk-sync");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("engine jdk-sync does not run file data ops"), r.err());
        r = CliRun.of("bench", "--engine", "jdk-async", "--op", "nop");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("engine jdk-async runs read, write, randread and randwrite"), r.err());
        r = CliRun.of("bench", "--direct=maybe");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("not a flag: 'maybe'"), r.err());
        Files.writeString(dir.resolve("bad.fio"), "[j]\nbs=huge\n");
        r = CliRun.of("bench", "--job", dir.resolve("bad.fio").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("bad value for bs='huge'"), r.err());
    }
}
