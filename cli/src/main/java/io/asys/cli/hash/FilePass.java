package io.asys.cli.hash;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/** One way of reading a file front to back, hashing what it reads or not. Safe to call from many threads at once. */
public interface FilePass {
    /**
     * Reads all of {@code path}, feeding every byte in file order to {@code digester} (or to nothing
     * when it is {@code null}: a read-only pass), reporting each piece's length to {@code progress}.
     * Returns the bytes read.
     */
    long run(Path path, Digester digester, LongConsumer progress) throws IOException;
}
