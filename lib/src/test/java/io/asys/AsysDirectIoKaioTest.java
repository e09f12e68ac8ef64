package io.asys;

/**
 * {@link AsysDirectIoTest} on the worker engine with its kernel AIO path for O_DIRECT turned on
 * ({@code -Dasys.workers.kaio=true} while the engine is made), whatever engine the run chose.
 */
class AsysDirectIoKaioTest extends AsysDirectIoTest {
    @Override
    Asys openAsys() throws Exception {
        String old = System.getProperty("asys.workers.kaio");
        System.setProperty("asys.workers.kaio", "true");
        try {
            return Asys.open("workers");
        } finally {
            if (old == null) {
                System.clearProperty("asys.workers.kaio");
            } else {
                System.setProperty("asys.workers.kaio", old);
            }
        }
    }

    @Override
    boolean expectsKernelAio() {
        return true;
    }
}
