package io.asys.cli;

import io.asys.uring.IoUringSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code asys bench} on the metadata ops (statx, openclose, mkdir-unlink) of a small tree. */
class MetaBenchTest {
    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
        try {
            int exit = new CommandLine(new Main()).execute(args);
            return new Run(exit, out.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(-?[0-9.]+)").matcher(json);
        assertTrue(m.find(), () -> "no numeric key " + key + " in " + json);
        return Double.parseDouble(m.group(1));
    }

    private static long count(Path root, boolean regularFiles) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root))
                    .filter(p -> regularFiles ? Files.isRegularFile(p) : Files.isDirectory(p)).count();
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({
        "statx, uring", "openclose, uring", "mkdir-unlink, uring",
        "statx, jdk-sync", "openclose, jdk-sync", "mkdir-unlink, jdk-sync",
        "statx, jdk-pool", "mkdir-unlink, jdk-pool"})
    void metadataOpDoesExactlyTheRequestedOpsOnACreatedTree(String op, String engine, @TempDir Path dir)
            throws Exception {
        if (engine.equals("uring")) {
            assumeTrue(IoUringSupport.isAvailable(), IoUringSupport::unavailabilityCause);
        }
        Path tree = dir.resolve("tree");
        Run r = run("bench", "--op", op, "--engine", engine, "--dir", tree.toString(), "--files", "200",
                "--qd", "32", "--ops", "500", "--json");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.err().contains("creating tree"), r.err());
        String json = r.out().trim();
        assertEquals(500, number(json, "ops"), json);
        assertEquals(0, number(json, "errors"), json);
        assertEquals(200, number(json, "files"), json);
        assertTrue(json.contains("\"op\":\"" + op + "\"") && json.contains("\"engine\":\"" + engine + "\""), json);
        assertTrue(number(json, "p50") > 0 && number(json, "p50") <= number(json, "max"), json);
        // 100 directories of 2 files each, and no scratch directory left behind by mkdir-unlink.
        assertEquals(200, count(tree, true));
        assertEquals(100, count(tree, false));
        assertTrue(Files.isRegularFile(tree.resolve("d0/f0")) && Files.isRegularFile(tree.resolve("d99/f1")));
    }

    @Test
    void anExistingTreeIsReusedSilently(@TempDir Path dir) {
        Path tree = dir.resolve("tree");
        assertEquals(0, run("bench", "--op", "statx", "--engine", "jdk-sync", "--dir", tree.toString(),
                "--files", "100", "--ops", "10").exit());
        Run again = run("bench", "--op", "statx", "--engine", "jdk-sync", "--dir", tree.toString(),
                "--files", "100", "--ops", "10");
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.err().isEmpty(), again.err());
    }

    @Test
    void jdkEnginesRefuseDataOps() {
        Run r = run("bench", "--op", "randread", "--engine", "jdk-sync");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("only the metadata ops"), r.err());
    }

    @Test
    void jdkSyncIsOneThread() {
        Run r = run("bench", "--op", "statx", "--engine", "jdk-sync", "--threads", "4");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("jdk-pool"), r.err());
    }

    @Test
    void filesMustBeAMultipleOfTheHundredDirectories() {
        Run r = run("bench", "--op", "statx", "--files", "150");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("multiple of 100"), r.err());
    }

    @Test
    void unknownOpListsTheMetadataOps() {
        Run r = run("bench", "--op", "stat");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("statx, openclose, mkdir-unlink"), r.err());
    }
}
