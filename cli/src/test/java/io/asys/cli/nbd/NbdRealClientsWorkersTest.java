package io.asys.cli.nbd;

/** {@link NbdRealClientsTests} on the workers engine. */
class NbdRealClientsWorkersTest extends NbdRealClientsTests {
    @Override
    String engine() {
        return "workers";
    }
}
