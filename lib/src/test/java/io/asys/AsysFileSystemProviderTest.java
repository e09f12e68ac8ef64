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
}
