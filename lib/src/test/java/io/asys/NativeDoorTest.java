package io.asys;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Native access behind one door: jnativescan finds restricted calls in io.asys.internal.linux only. */
class NativeDoorTest {
    @Test
    void onlyTheNativeDoorMakesRestrictedCalls() throws Exception {
        Path tool = Path.of(System.getProperty("java.home"), "bin", "jnativescan");
        assumeTrue(Files.isExecutable(tool), "no jnativescan in this JDK");
        Path classes = Path.of("target", "classes").toAbsolutePath();
        Process p = new ProcessBuilder(tool.toString(), "--class-path", classes.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        List<String> classesWithRestrictedCalls = out.lines()
                .filter(l -> l.startsWith("  ") && !l.startsWith("    ") && l.trim().endsWith(":"))
                .map(String::trim).toList();
        assertTrue(!classesWithRestrictedCalls.isEmpty(), "jnativescan found nothing at all: " + out);
        for (String c : classesWithRestrictedCalls) {
            assertTrue(c.startsWith("io.asys.internal.linux."), "restricted call outside the door: " + c + "\n" + out);
        }
    }
}
