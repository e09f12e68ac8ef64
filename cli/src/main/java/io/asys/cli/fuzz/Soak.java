package io.asys.cli.fuzz;

import java.nio.file.Path;
import java.util.List;

/** Soak mode (filled in below). */
final class Soak {
    private Soak() {
    }

    static int run(List<String> engines, long seed, double seconds, int threads, Path parent, boolean json) {
        throw new UnsupportedOperationException("soak: not yet");
    }
}
