package io.asys.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code asys hash}: digests equal the JDK's, sha256sum accepts the output, bad arguments are refused clearly. */
class HashCommandTest {
    /** Sizes around the block size used (4 KiB) and the O_DIRECT sector: empty, partial, exact, and a tail. */
    private static final int[] SIZES = {0, 1, 511, 512, 4095, 4096, 4097, 3 * 4096 + 7, (1 << 20) + 13};

    private static List<Path> randomFiles(Path dir) throws Exception {
        List<Path> files = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(42);
        for (int size : SIZES) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            Path f = dir.resolve("f" + size + ".bin");
            Files.write(f, data);
            files.add(f);
        }
        return files;
    }

    private static String jdkDigest(String algo, Path file) throws Exception {
        byte[] data = Files.readAllBytes(file);
        if (algo.equals("crc32c")) {
            CRC32C crc = new CRC32C();
            crc.update(data);
            return String.format("%08x", crc.getValue());
        }
        String name = switch (algo) {
            case "sha256" -> "SHA-256";
            case "sha512" -> "SHA-512";
            case "sha1" -> "SHA-1";
            default -> "MD5";
        };
        return HexFormat.of().formatHex(MessageDigest.getInstance(name).digest(data));
    }

    private static CliRun hash(List<Path> files, String... options) {
        List<String> args = new ArrayList<>(List.of("hash"));
        args.addAll(List.of(options));
        files.forEach(f -> args.add(f.toString()));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static void assertDigests(List<Path> files, String algo, CliRun r) throws Exception {
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(files.size(), lines.length, r.out());
        for (int i = 0; i < files.size(); i++) {
            assertEquals(jdkDigest(algo, files.get(i)) + "  " + files.get(i), lines[i], "line " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--mode=async", "--mode=sync", "--engine=workers"})
    void sha256EqualsTheJdkOnEverySize(String mode, @TempDir Path dir) throws Exception {
        List<Path> files = randomFiles(dir);
        assertDigests(files, "sha256", hash(files, mode, "--bs", "4k", "--qd", "3", "--jobs", "3"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--mode=async", "--mode=sync", "--engine=workers"})
    void directReadsHashTheTailToo(String mode, @TempDir Path dir) throws Exception {
        List<Path> files = randomFiles(dir);
        assertDigests(files, "sha256", hash(files, mode, "--direct", "--bs", "4k", "--qd", "4"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha512", "sha1", "md5", "crc32c"})
    void everyAlgorithmEqualsTheJdk(String algo, @TempDir Path dir) throws Exception {
        List<Path> files = randomFiles(dir);
        assertDigests(files, algo, hash(files, "--algo", algo, "--bs", "4k"));
    }

    @Test
    void sha256sumChecksTheOutput(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/sha256sum")), "sha256sum is not installed");
        List<Path> files = randomFiles(dir);
        Path odd = dir.resolve("back\\slash and space.bin");
        Files.writeString(odd, "escaped like coreutils\n");
        files.add(odd);
        CliRun r = hash(files, "--direct", "--bs", "64k");
        assertEquals(0, r.exit(), r.err());
        Path sums = dir.resolve("SHA256SUMS");
        Files.writeString(sums, r.out());
        Process p = new ProcessBuilder("sha256sum", "-c", "--strict", sums.toString()).redirectErrorStream(true).start();
        String report = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), report);
        assertEquals(files.size(), report.lines().filter(l -> l.endsWith(": OK")).count(), report);
    }

    @Test
    void jsonReportsTheFourPassesAndTheDigests(@TempDir Path dir) throws Exception {
        List<Path> files = randomFiles(dir);
        CliRun r = hash(files, "--json", "--direct", "--bs", "8k", "--rounds", "2");
        assertEquals(0, r.exit(), r.err());
        JsonObject json = JsonParser.parseString(r.out()).getAsJsonObject();
        for (String key : List.of("read_only_s", "hash_only_s", "overlapped_s", "sync_s", "speedup_over_sync",
                "overlapped_over_max")) {
            assertTrue(json.get(key).getAsDouble() > 0, key + " in " + r.out());
        }
        assertTrue(json.get("digests_match_sync").getAsBoolean());
        long total = 0;
        for (int i = 0; i < files.size(); i++) {
            JsonObject d = json.getAsJsonArray("digests").get(i).getAsJsonObject();
            assertEquals(files.get(i).toString(), d.get("path").getAsString());
            assertEquals(jdkDigest("sha256", files.get(i)), d.get("digest").getAsString());
            total += Files.size(files.get(i));
        }
        assertEquals(total, json.get("bytes").getAsLong());
    }

    @Test
    void aMissingFileIsNamedAndTheOthersAreStillHashed(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good");
        Files.writeString(good, "good");
        Path missing = dir.resolve("missing");
        CliRun r = hash(List.of(missing, good, dir));
        assertEquals(1, r.exit());
        assertTrue(r.err().contains(missing + ": openat: ENOENT"), r.err());
        assertTrue(r.err().contains("EISDIR"), r.err());
        assertEquals(jdkDigest("sha256", good) + "  " + good, r.out().strip());
    }

    @Test
    void badArgumentsGetAClearMessageAndExit2(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("f");
        Files.writeString(f, "x");
        String[][] cases = {
            {"--algo", "sha3", f.toString()}, {"--bs", "100", f.toString()}, {"--bs", "lots", f.toString()},
            {"--qd", "0", f.toString()}, {"--direct", "--bs", "1000", f.toString()}, {"--bs", "64m", "--qd", "32", f.toString()}, {"--mode", "fast", f.toString()},
            {"--json", "--mode", "sync", f.toString()}, {"--engine", "kaio", f.toString()}, {}};
        String[] expected = {"unknown --algo 'sha3'", "--bs must be in 512..64m", "not a size: 'lots'",
            "--qd must be in 1..256", "multiple of 512", "at most 1g", "unknown --mode 'fast'", "leave out --mode",
            "unknown --engine 'kaio'", "Missing required parameter"};
        for (int i = 0; i < cases.length; i++) {
            List<String> args = new ArrayList<>(List.of("hash"));
            args.addAll(List.of(cases[i]));
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertEquals(2, r.exit(), String.join(" ", args));
            assertTrue(r.err().contains(expected[i]), r.err());
            assertEquals("", r.out());
        }
    }
}
