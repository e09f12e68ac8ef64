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
                // statx goes to the worker engine's inline path unless asys.statx=uring: "hybrid".
                assertEquals(asys.workerRoutes().isEmpty() ? "uring" : "hybrid", asys.engine());
                assertTrue(asys.workerRoutes().stream().anyMatch(r -> r.startsWith("statx")), asys.workerRoutes().toString());
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
    void statxOnUringMakesAPureUringEngine() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(IoUringSupport.isAvailable()
                && !"workers".equals(System.getProperty(Asys.ENGINE_PROP_NAME)), "io_uring runs here");
        String before = System.getProperty(Asys.STATX_PROP_NAME);
        System.setProperty(Asys.STATX_PROP_NAME, "uring");
        try (Asys asys = Asys.open()) {
            assertEquals(io.asys.internal.engine.UringEngine.missingOpcodes().isEmpty() ? "uring" : "hybrid", asys.engine(), asys.workerRoutes().toString());
            assertTrue(asys.statx(java.nio.file.Path.of("/")).get(5, java.util.concurrent.TimeUnit.SECONDS).isDirectory());
        } finally {
            if (before == null) {
                System.clearProperty(Asys.STATX_PROP_NAME);
            } else {
                System.setProperty(Asys.STATX_PROP_NAME, before);
            }
        }
    }
}
