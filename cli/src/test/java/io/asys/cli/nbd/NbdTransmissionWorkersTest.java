package io.asys.cli.nbd;

/** {@link NbdTransmissionTests} on the workers engine. */
class NbdTransmissionWorkersTest extends NbdTransmissionTests {
    @Override
    String engine() {
        return "workers";
    }
}
