package io.asys.cli;

import io.asys.uring.IoUringSupport;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Seeds that once made {@code asys fuzz} fail, replayed: each row names the engine and the bug
 * it found. (Timing decides some races, so a replay takes the same choices, not always the same
 * interleaving.)
 */
class FuzzRegressionTest {
    @ParameterizedTest(name = "seed {0} on {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            1 | workers | inline openat2 refused a mode without O_CREAT (EINVAL where openat succeeds)
            3 | workers | inline openat2 refused O_PATH with other flags (EINVAL where openat gives ENOTDIR)
            4 | workers | a write at offset -2 wrote at the file position (io_uring and pwritev2: EINVAL)
            2 | workers | inline statx looked the path up before checking flags and mask (ENOENT, not EINVAL)
            1 | workers | inline statx ignored AT_STATX_SYNC_TYPE = both bits (EINVAL)
            """)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void replay(long seed, String engine, String bug) {
        assumeTrue(!engine.equals("uring") || IoUringSupport.isAvailable(), IoUringSupport::unavailabilityCause);
        CliRun r = CliRun.of("fuzz", "--engine", engine, "--seed", Long.toString(seed), "--ops", "5000", "--json");
        String json = r.out().trim();
        assertEquals(0, CliRun.number(json, "failures"), () -> bug + ": " + json);
        assertEquals(0, r.exit());
    }
}
