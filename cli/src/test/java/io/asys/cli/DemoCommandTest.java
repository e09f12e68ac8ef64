package io.asys.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code asys demo}: every built step succeeds, the coming ones say so. */
class DemoCommandTest {
    @Test
    void theTourRunsAndNamesWhatIsNotBuiltYet() {
        long t0 = System.nanoTime();
        CliRun r = CliRun.of("demo");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue((System.nanoTime() - t0) / 1e9 < 60, "under a minute");
        String out = r.out();
        assertTrue(out.contains("result " + ProcessHandle.current().pid() + " (this JVM is "), out);
        assertTrue(out.contains("read 20 bytes: \"hello from a syslet\""), out);
        assertTrue(out.contains("completed once with ECANCELED"), out);
        assertTrue(out.contains("Asys.open(\"workers\"): engine workers"), out);
        assertTrue(out.contains("cache=HIT") && out.contains("cache=MISS"), "attributes show a hit and a miss: " + out);
        assertTrue(out.contains("blocking reads through asys") && out.contains("io_getevents -> 1 event: data 42"), out);
        assertEquals(0, out.split("not yet built:", -1).length - 1, out);
        assertTrue(!out.contains("failed:"), out);
    }
}
