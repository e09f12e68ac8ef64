package io.asys;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.asys.TypedApiTestSupport.buffer;
import static io.asys.TypedApiTestSupport.bytes;
import static io.asys.TypedApiTestSupport.get;
import static io.asys.TypedApiTestSupport.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Faults from the real kernel: a full filesystem, a file removed under a read, no descriptors left. */
class AsysFaultsTest {
    private static Asys asys;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() throws Exception {
        asys = Asys.open();
    }

    @AfterAll
    static void close() {
        asys.close();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aFullFilesystemFailsWithEnospcAndNothingUnwrittenIsReported() throws Exception {
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        String why = run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt.toString());
        assumeTrue(why == null, () -> "cannot mount a small tmpfs here: " + why);
        try {
            Path f = mnt.resolve("f");
            FileHandle h = get(asys.open(f, FileDescriptors.O_RDWR | FileDescriptors.O_CREAT, 0644));
            byte[] chunk = pattern(100_000, 7);
            long written = 0;
            int enospc = 0;
            for (int i = 0; i < 40 && enospc == 0; i++) {
                try {
                    int n = get(asys.write(h, bytes(chunk), written));
                    assertTrue(n > 0 && n <= chunk.length, "write returned " + n);
                    written += n;
                } catch (ExecutionException e) {
                    enospc = Errors.errnoOf(e.getCause());
                    assertTrue(e.getCause().getMessage().contains("ENOSPC"), e.getCause().getMessage());
                }
            }
            assertEquals(Errno.ENOSPC, enospc, "a 1 MiB filesystem fills up");
            asys.close(h).get();
            byte[] content = Files.readAllBytes(f);
            assertEquals(written, content.length, "the file holds exactly what was reported written");
            for (long at = 0; at < written; at += chunk.length) {
                int len = (int) Math.min(chunk.length, written - at);
                assertArrayEquals(Arrays.copyOf(chunk, len), Arrays.copyOfRange(content, (int) at, (int) at + len));
            }
        } finally {
            run("umount", "-l", mnt.toString());
        }
    }

    @Test
    void aFileRemovedWhileItIsReadIsReadToTheEnd() throws Exception {
        byte[] data = pattern(1 << 20, 3);
        Path f = Files.write(dir.resolve("gone"), data);
        FileHandle h = get(asys.open(f, FileDescriptors.O_RDONLY, 0));
        List<CompletableFuture<Integer>> reads = new ArrayList<>();
        List<MemorySegment> buffers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            MemorySegment b = buffer(65_536);
            buffers.add(b);
            reads.add(asys.read(h, b, 65_536L * i));
            if (i == 3) {
                Files.delete(f);
            }
        }
        for (int i = 0; i < 16; i++) {
            assertEquals(65_536, reads.get(i).get(5, TimeUnit.SECONDS));
            assertArrayEquals(Arrays.copyOfRange(data, 65_536 * i, 65_536 * (i + 1)),
                    buffers.get(i).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        }
        asys.close(h).get();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void runningOutOfDescriptorsIsEmfileAndAsysRecovers() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "x");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String engine = System.getProperty(Asys.ENGINE_PROP_NAME, Asys.ENGINE_DEFAULT);
        String cmd = "ulimit -n 256 && exec " + java + " --enable-native-access=ALL-UNNAMED -Dasys.engine=" + engine
                + " -cp '" + System.getProperty("java.class.path") + "' io.asys.FdExhaustionChild '" + f + "'";
        Process p = new ProcessBuilder("bash", "-c", cmd).redirectErrorStream(true).start();
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertTrue(exited, "the child hung (an engine died?): " + out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("OK ") && out.contains("EMFILE"), out);
    }

    /** Null if the command succeeded, else its output. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        return p.waitFor() == 0 ? null : String.join(" ", command) + ": " + out.trim();
    }
}
