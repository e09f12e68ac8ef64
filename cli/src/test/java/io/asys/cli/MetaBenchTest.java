package io.asys.cli;

import io.asys.uring.IoUringSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code asys bench} on the metadata ops (statx, openclose, mkdir-unlink) of a small tree. */
class MetaBenchTest {
    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static double number(String json, String key) {
        return CliRun.number(json, key);
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
        CliRun r = run("bench", "--op", op, "--engine", engine, "--dir", tree.toString(), "--files", "200",
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
    void statxInBatchesCountsEveryPath(@TempDir Path dir) {
        CliRun r = run("bench", "--op", "statx", "--engine", "workers", "--dir", dir.resolve("tree").toString(),
                "--files", "200", "--qd", "2", "--batch", "16", "--ops", "512", "--json");
        assertEquals(0, r.exit(), r.err() + r.out());
        String json = r.out().trim();
        assertEquals(512, number(json, "ops"), json);
        assertEquals(0, number(json, "errors"), json);
        assertEquals(16, number(json, "batch"), json);
        CliRun refused = run("bench", "--op", "openclose", "--engine", "workers", "--batch", "16");
        assertEquals(2, refused.exit());
        assertTrue(refused.err().contains("--op statx only"), refused.err());
    }

    @Test
    void anExistingTreeIsReusedSilently(@TempDir Path dir) {
        Path tree = dir.resolve("tree");
        assertEquals(0, run("bench", "--op", "statx", "--engine", "jdk-sync", "--dir", tree.toString(),
                "--files", "100", "--ops", "10").exit());
        CliRun again = run("bench", "--op", "statx", "--engine", "jdk-sync", "--dir", tree.toString(),
                "--files", "100", "--ops", "10");
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.err().isEmpty(), again.err());
    }

    @Test
    void jdkEnginesRefuseDataOps() {
        CliRun r = run("bench", "--op", "randread", "--engine", "jdk-sync");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("only the metadata ops"), r.err());
    }

    @Test
    void jdkSyncIsOneThread() {
        CliRun r = run("bench", "--op", "statx", "--engine", "jdk-sync", "--threads", "4");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("jdk-pool"), r.err());
    }

    @Test
    void filesMustBeAMultipleOfTheHundredDirectories() {
        CliRun r = run("bench", "--op", "statx", "--files", "150");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("multiple of 100"), r.err());
    }

    @Test
    void unknownOpListsTheMetadataOps() {
        CliRun r = run("bench", "--op", "stat");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("statx, openclose, mkdir-unlink"), r.err());
    }
}
