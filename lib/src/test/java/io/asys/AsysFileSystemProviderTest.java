package io.asys;

import io.asys.nio.AsysFileSystemProvider;
import io.asys.nio.DropInProgram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The drop-in provider: an unchanged program, run in a child JVM with
 * {@code -Djava.nio.file.spi.DefaultFileSystemProvider}, gets asys channels and the same results.
 */
@Timeout(120)
class AsysFileSystemProviderTest {
    @TempDir
    Path dir;

    private static List<String> runChild(Path dir, boolean withProvider) throws Exception {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        if (withProvider) {
            command.add("-Djava.nio.file.spi.DefaultFileSystemProvider=" + AsysFileSystemProvider.class.getName());
            command.add("-D" + AsysFileSystemProvider.REPORT_PROP_NAME + "=true");
        }
        String engine = System.getProperty(Asys.ENGINE_PROP_NAME);
        if (engine != null) {
            command.add("-D" + Asys.ENGINE_PROP_NAME + "=" + engine);
        }
        if (Boolean.getBoolean("asys.test.seccompBlocksIoUring")) {
            command.add("-D" + Asys.ENGINE_PROP_NAME + "=workers");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), DropInProgram.class.getName(), dir.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM hung");
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    @Test
    void anUnchangedProgramRunsOnAsysWithTheProperty() throws Exception {
        Path plainDir = dir.resolve("plain");
        Path asysDir = dir.resolve("asys");
        java.nio.file.Files.createDirectories(plainDir);
        java.nio.file.Files.createDirectories(asysDir);
        List<String> plain = runChild(plainDir, false);
        List<String> onAsys = runChild(asysDir, true);
        String all = String.join("\n", onAsys);
        assertTrue(onAsys.contains("readAllBytes=hello, world"), all);
        assertTrue(onAsys.contains("readAllLines=[hello, world]"), all);
        assertTrue(onAsys.contains("fileChannel=AsysFileChannel size=12 read=world"), all);
        assertTrue(onAsys.contains("asyncChannel=AsysAsynchronousFileChannel read=5 hello"), all);
        assertTrue(onAsys.contains("fileSystem=" + AsysFileSystemProvider.class.getName()), all);
        String report = onAsys.stream().filter(l -> l.startsWith("asys.nio: ")).findFirst().orElse("");
        assertTrue(report.matches("asys\\.nio: \\d+ channels on asys \\(engine \\w+\\), \\d+ on the platform provider"), all);
        assertTrue(Long.parseLong(report.split(" ")[1]) >= 5, report);
        // The same program without the provider: the same output, but the JDK's channels.
        List<String> expected = plain.stream().map(l -> l.replace("SimpleAsynchronousFileChannelImpl", "AsysAsynchronousFileChannel")
                .replace("FileChannelImpl", "AsysFileChannel")
                .replace("sun.nio.fs.LinuxFileSystemProvider", AsysFileSystemProvider.class.getName())).toList();
        assertEquals(expected, onAsys.stream().filter(l -> !l.startsWith("asys")).toList());
    }

    @Test
    void inProcessTheProviderWrapsPathsAndSendsNonRegularFilesToThePlatform() throws Exception {
        java.nio.file.spi.FileSystemProvider platform = java.nio.file.FileSystems.getDefault().provider();
        AsysFileSystemProvider provider = new AsysFileSystemProvider(platform);
        java.nio.file.FileSystem fs = provider.getFileSystem(java.net.URI.create("file:///"));
        assertSame(provider, fs.provider());
        Path base = fs.getPath(dir.toString());
        Path file = base.resolve("a.txt");
        assertSame(fs, file.getFileSystem());
        assertEquals(dir.resolve("a.txt").toString(), file.toString());
        assertEquals(fs.getPath("a.txt"), base.relativize(file));
        assertTrue(file.startsWith(base) && file.endsWith(fs.getPath("a.txt")));
        assertEquals(new java.io.File(dir.toFile(), "a.txt"), file.toFile());
        assertTrue(fs.getPathMatcher("glob:**/*.txt").matches(file));

        java.nio.file.Files.write(file, "abc".getBytes());
        try (var ch = provider.newByteChannel(file, java.util.Set.of(java.nio.file.StandardOpenOption.READ))) {
            assertEquals("AsysFileChannel", ch.getClass().getSimpleName());
            assertEquals(3, ch.size());
        }
        // A platform path is accepted too (watch events and other callers hand those out).
        try (var ch = provider.newFileChannel(dir.resolve("a.txt"), java.util.Set.of())) {
            assertEquals("AsysFileChannel", ch.getClass().getSimpleName());
        }
        Path fifo = TypedApiTestSupport.mkfifo(dir.resolve("fifo"));
        try (var ch = provider.newByteChannel(fs.getPath(fifo.toString()),
                java.util.Set.of(java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE))) {
            assertEquals("FileChannelImpl", ch.getClass().getSimpleName(), "a FIFO stays the platform's");
        }
        // /proc and /sys files (regular to statx) too: io_uring could read them only on an io-wq thread.
        for (String pseudo : List.of("/proc/self/stat", "/sys/kernel/mm/transparent_hugepage/enabled", "/proc/../proc/self/status")) {
            if (java.nio.file.Files.isReadable(Path.of(pseudo))) {
                try (var ch = provider.newByteChannel(fs.getPath(pseudo), java.util.Set.of(java.nio.file.StandardOpenOption.READ))) {
                    assertEquals("FileChannelImpl", ch.getClass().getSimpleName(), pseudo + " stays the platform's");
                }
            }
        }
        List<Path> listed = new ArrayList<>();
        try (var stream = provider.newDirectoryStream(base, p -> true)) {
            stream.forEach(listed::add);
        }
        assertEquals(2, listed.size());
        assertTrue(listed.stream().allMatch(p -> p.getFileSystem() == fs), "listed paths are the provider's");
        assertTrue(provider.exists(file));
        assertEquals(3L, provider.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).size());
        org.junit.jupiter.api.Assertions.assertThrows(java.nio.file.ProviderMismatchException.class,
                () -> provider.delete(java.nio.file.FileSystems.getFileSystem(java.net.URI.create("jrt:/")).getPath("modules")));
    }
}
