package io.asys.cli.nbd;

import io.asys.uring.IoUringSupport;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link NbdHandshakeTests} on the uring engine. */
class NbdHandshakeUringTest extends NbdHandshakeTests {
    @BeforeAll
    static void needsUring() {
        assumeTrue(IoUringSupport.isAvailable(), () -> "io_uring unavailable: " + IoUringSupport.unavailabilityCause());
    }

    @Override
    String engine() {
        return "uring";
    }
}
