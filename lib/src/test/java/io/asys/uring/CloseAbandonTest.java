package io.asys.uring;

import io.asys.Asys;
import io.asys.AsysFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Regression: when the kernel does not give operations back within the close drain, their
 * futures used to stay pending forever. They now fail, exactly once, and close returns.
 * The drain is set to zero so that operations in flight outlive it without a stuck kernel.
 */
class CloseAbandonTest {
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void operationsLeftInTheKernelAfterTheDrainStillComplete() throws Exception {
        assumeTrue(IoUringSupport.isAvailable(), IoUringSupport::unavailabilityCause);
        String old = System.getProperty(IoUring.CLOSE_DRAIN_PROP_NAME);
        System.setProperty(IoUring.CLOSE_DRAIN_PROP_NAME, "0");
        try {
            Asys asys = Asys.open("uring");
            AsysFuture<Integer> sleeping = asys.sleep(Duration.ofSeconds(60));
            asys.nop().get(5, TimeUnit.SECONDS);
            long t0 = System.nanoTime();
            asys.close();
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "close returned in bounded time");
            ExecutionException e = assertThrows(ExecutionException.class, () -> sleeping.get(5, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("did not give timeout back"), e.getCause().getMessage());
            assertEquals(1, sleeping.deliveries(), "completed exactly once");
        } finally {
            if (old == null) {
                System.clearProperty(IoUring.CLOSE_DRAIN_PROP_NAME);
            } else {
                System.setProperty(IoUring.CLOSE_DRAIN_PROP_NAME, old);
            }
        }
    }
}
