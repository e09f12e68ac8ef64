package io.asys.cli.nbd;

/** {@link NbdHandshakeTests} on the workers engine. */
class NbdHandshakeWorkersTest extends NbdHandshakeTests {
    @Override
    String engine() {
        return "workers";
    }
}
