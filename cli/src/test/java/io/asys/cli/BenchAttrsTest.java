package io.asys.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code asys bench --attrs}: per-attribute summaries in the JSON, on both typed engines. */
class BenchAttrsTest {
    @Test
    void attrsSummariseCacheLatencyAndPathsOnBothEngines(@TempDir Path dir) {
        Path file = dir.resolve("a.dat");
        for (String engine : new String[] {"typed-uring", "workers"}) {
            CliRun r = CliRun.of("bench", "--op", "randread", "--engine", engine, "--file", file.toString(),
                    "--size", "1m", "--qd", "4", "--ops", "2000", "--attrs", "latency,cache,path", "--json");
            assertEquals(0, r.exit(), r.err());
            String json = r.out().trim();
            String attrs = json.substring(json.indexOf("\"attrs\":"));
            // The file was just written by the bench: its pages are cached.
            double hitRatio = CliRun.number(attrs, "hit_ratio");
            assertTrue(hitRatio > 0.5 && hitRatio <= 1, attrs);
            assertTrue(attrs.contains("\"latency\":{\"count\":2000"), attrs);
            assertTrue(CliRun.number(attrs, "p50") > 0, attrs);
            assertTrue(attrs.contains("\"path\":{\"counts\":{"), attrs);
            assertTrue(attrs.contains("\"hit\":{"), "latency split by hit: " + attrs);
            assertTrue(!attrs.contains("\"cpu\""), "only what was asked for: " + attrs);
        }
    }

    @Test
    void attrsNeedATypedEngineAndKnownNames() {
        CliRun low = CliRun.of("bench", "--op", "nop", "--engine", "uring", "--attrs", "latency", "--ops", "10");
        assertEquals(2, low.exit());
        assertTrue(low.err().contains("--attrs needs a typed engine"), low.err());
        CliRun bad = CliRun.of("bench", "--op", "nop", "--engine", "workers", "--attrs", "speed", "--ops", "10");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("unknown attribute 'speed'"), bad.err());
    }
}
