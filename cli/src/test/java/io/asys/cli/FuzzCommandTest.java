package io.asys.cli;

import io.asys.uring.IoUringSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The fuzzer in CI: a bounded run per engine must find nothing, and its report must say so. */
class FuzzCommandTest {
    /** Seconds per engine: long enough for thousands of operations, short enough for CI. */
    private static final String SECONDS = System.getProperty("asys.fuzz.ciSeconds", "20");

    @ParameterizedTest
    @ValueSource(strings = {"uring", "workers"})
    @Tag("slow")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aBoundedFuzzRunFindsNothing(String engine) {
        assumeTrue(!engine.equals("uring") || IoUringSupport.isAvailable(), IoUringSupport::unavailabilityCause);
        long seed = System.nanoTime() & 0xFFFF_FFFFL;
        CliRun r = CliRun.of("fuzz", "--engine", engine, "--seed", Long.toString(seed), "--ops", "1000000",
                "--seconds", SECONDS, "--close-every", "50", "--json");
        String json = r.out().trim();
        assertEquals(0, CliRun.number(json, "failures"), () -> "seed " + seed + ": " + json);
        assertEquals(0, r.exit(), r.err());
        assertTrue(CliRun.number(json, "ops") >= 1000, json);
    }

    @Test
    void anUnknownEngineIsRefused() {
        CliRun r = CliRun.of("fuzz", "--engine", "nope", "--ops", "10");
        assertTrue(r.exit() != 0);
        assertTrue(r.err().contains("--engine must be uring, workers or both"), r.err());
    }
}
