package io.asys.cli.hash;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * Hashing alone: feeds as many bytes as the file holds from a direct buffer already in memory
 * (pseudo-random data, one piece of {@code bs}, fed again and again), through the same update
 * path as the reading passes. The file itself is not read.
 */
final class InMemoryPass implements FilePass {
    private final int bs;

    InMemoryPass(int bs) {
        this.bs = bs;
    }

    @Override
    public long run(Path path, Digester digester, LongConsumer progress) throws IOException {
        long size = Files.size(path);
        ByteBuffer piece = ByteBuffer.allocateDirect(bs);
        SplittableRandom random = new SplittableRandom(size);
        while (piece.remaining() >= 8) {
            piece.putLong(random.nextLong());
        }
        for (long done = 0; done < size; ) {
            int n = (int) Math.min(bs, size - done);
            piece.clear().limit(n);
            digester.update(piece);
            done += n;
            progress.accept(n);
        }
        return size;
    }
}
