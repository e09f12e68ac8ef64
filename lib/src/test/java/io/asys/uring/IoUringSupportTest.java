package io.asys.uring;

import io.asys.Errno;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.asys.uring.IoUringAbi.IORING_FEAT_NODROP;
import static io.asys.uring.IoUringAbi.IORING_OP_NOP;
import static io.asys.uring.IoUringAbi.IORING_OP_READ;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class IoUringSupportTest {
    @Test
    void availableWhenNeitherTheSysctlNorASeccompFilterForbidsIt() throws IOException {
        String disabled = read("/proc/sys/kernel/io_uring_disabled"); // absent before 6.6: enabled
        assumeTrue(disabled == null || "0".equals(disabled), "kernel.io_uring_disabled=" + disabled);
        assumeTrue(Files.readAllLines(Path.of("/proc/self/status")).contains("Seccomp:\t0"), "under a seccomp filter");
        assertTrue(IoUringSupport.isAvailable(), IoUringSupport.unavailabilityCause());
        assertNull(IoUringSupport.unavailabilityCause());
        assertDoesNotThrow(IoUringSupport::ensureAvailability);
    }

    @Test
    void probeAndFeaturesOfAnAvailableRing() {
        assumeTrue(IoUringSupport.isAvailable(), IoUringSupport::unavailabilityCause);
        BitSet ops = IoUringSupport.supportedOps();
        assertTrue(ops.get(IORING_OP_NOP));
        assertTrue(ops.get(IORING_OP_READ));
        assertTrue(IoUringSupport.isSupported(IORING_OP_READ));
        assertFalse(IoUringSupport.isSupported(255));
        assertTrue((IoUringSupport.features() & IORING_FEAT_NODROP) != 0);
        ops.clear();
        assertTrue(IoUringSupport.isSupported(IORING_OP_NOP), "supportedOps() hands out a copy");
        assertFalse(IoUringSupport.kernelRelease().isBlank());
    }

    @Test
    void explainNamesTheErrnoAndTheLikelyReason() {
        assertTrue(IoUringSupport.explain(Errno.EPERM, "1").contains("kernel.io_uring_group"));
        assertTrue(IoUringSupport.explain(Errno.EPERM, "0").contains("seccomp"));
        assertTrue(IoUringSupport.explain(Errno.ENOSYS, null).startsWith("io_uring_setup failed with ENOSYS"));
        assertTrue(IoUringSupport.explain(Errno.ENOMEM, "0").contains("ulimit -l"));
        assertTrue(IoUringSupport.explain(Errno.ENOMEM, "0").contains("memory cgroup"));
    }

    /** The property is read once per JVM, so it takes a fresh one. */
    @Test
    void workersEngineNeverTriesIoUring() throws Exception {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-D" + IoUringSupport.ENGINE_PROP_NAME + "=" + IoUringSupport.ENGINE_WORKERS,
                "-cp", System.getProperty("java.class.path"), SupportProbeMain.class.getName()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "child JVM hung");
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().toList();
        assertTrue(lines.contains("available=false"), out);
        assertTrue(lines.contains("cause=io_uring not tried: asys.engine=workers"), out);
        assertTrue(lines.contains("open=UnsupportedOperationException: io_uring not used: asys.engine=workers"), out);
    }

    private static String read(String path) throws IOException {
        Path p = Path.of(path);
        return Files.isReadable(p) ? Files.readString(p).trim() : null;
    }
}
