package io.asys;

import io.asys.testsupport.SeccompBlocksIoUring;
import io.asys.uring.IoUringSupport;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which engine {@code Asys.open()} picks, and the reason it gives, under each way the suite runs. */
class AsysEngineChoiceTest {
    @Test
    void theEngineMatchesTheSettingAndTheMachine() throws Exception {
        String setting = System.getProperty(Asys.ENGINE_PROP_NAME, Asys.ENGINE_DEFAULT);
        try (Asys asys = Asys.open()) {
            if (setting.equals("workers")) {
                assertEquals("workers", asys.engine());
                assertTrue(asys.engineCause().contains("asys.engine=workers"), asys.engineCause());
            } else if (IoUringSupport.isAvailable()) {
                // Everything on the ring unless the kernel lacks an opcode of the operation set or the
                // hybrid run of the suite avoids some: then "hybrid".
                assertEquals(asys.workerRoutes().isEmpty() ? "uring" : "hybrid", asys.engine());
                assertEquals(System.getProperty("asys.uring.avoid") != null, asys.engine().equals("hybrid"),
                        asys.workerRoutes().toString());
                assertTrue(asys.workerRoutes().stream().noneMatch(r -> r.startsWith("statx")), asys.workerRoutes().toString());
                assertNull(asys.engineCause());
            } else {
                assertEquals("workers", asys.engine());
                assertEquals(IoUringSupport.unavailabilityCause(), asys.engineCause());
            }
            assertEquals(0, asys.nop().get(5, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    @Test
    void aSeccompFilterLikeDockersMakesAutoFallBackAndSayWhy() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean(SeccompBlocksIoUring.PROP),
                "only in the seccomp run of the suite");
        assertFalse(IoUringSupport.isAvailable());
        String cause = IoUringSupport.unavailabilityCause();
        assertTrue(cause.contains("EPERM") && cause.contains("seccomp"), cause);
        try (Asys asys = Asys.open("auto")) {
            assertEquals("workers", asys.engine());
            assertEquals(cause, asys.engineCause());
        }
    }

    @Test
    void statxOnWorkersMakesAHybridEngine() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(IoUringSupport.isAvailable()
                && !"workers".equals(System.getProperty(Asys.ENGINE_PROP_NAME)), "io_uring runs here");
        String before = System.getProperty(Asys.STATX_PROP_NAME);
        System.setProperty(Asys.STATX_PROP_NAME, "workers");
        try (Asys asys = Asys.open()) {
            assertEquals("hybrid", asys.engine());
            assertTrue(asys.workerRoutes().get(0).startsWith("statx: asys.statx=workers"), asys.workerRoutes().toString());
            var st = asys.submit(new Op.Statx(java.nio.file.Path.of("/"), 0, Statx.STATX_BASIC_STATS),
                    java.util.EnumSet.of(Attribute.PATH));
            assertTrue(st.get(5, java.util.concurrent.TimeUnit.SECONDS).isDirectory());
            var path = st.attributes().path();
            assertTrue(path == ExecutionPath.INLINE || path == ExecutionPath.WORKER, "ran on the worker engine: " + path);
        } finally {
            if (before == null) {
                System.clearProperty(Asys.STATX_PROP_NAME);
            } else {
                System.setProperty(Asys.STATX_PROP_NAME, before);
            }
        }
    }
}
