package io.asys.cli.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/** Creates the bench file, filled with pseudo-random data, when it is missing or too small. */
public final class BenchFile {
    private BenchFile() {
    }

    public static void ensure(Path file, long size, boolean quiet) throws IOException {
        if (Files.exists(file) && Files.size(file) >= size) {
            return;
        }
        if (!quiet) {
            System.err.printf("asys: creating %s (%,d bytes)%n", file, size);
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
        SplittableRandom random = new SplittableRandom(size);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long at = ch.size() - ch.size() % chunk.capacity();
            while (at < size) {
                chunk.clear();
                while (chunk.remaining() >= 8) {
                    chunk.putLong(random.nextLong());
                }
                chunk.flip();
                chunk.limit((int) Math.min(chunk.capacity(), size - at));
                while (chunk.hasRemaining()) {
                    at += ch.write(chunk, at);
                }
            }
            ch.force(false);
        }
    }
}
