package io.asys.cli.hash;

import com.sun.nio.file.ExtendedOpenOption;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongConsumer;

/**
 * The plain way, for comparison: read a piece with a blocking {@link FileChannel} read, hash it,
 * read the next. With {@code direct} the channel is opened with O_DIRECT (the JDK's
 * {@code ExtendedOpenOption.DIRECT}) and reads into a page-aligned direct buffer.
 */
public final class SyncReads implements FilePass {
    private final int bs;
    private final boolean direct;

    public SyncReads(int bs, boolean direct) {
        this.bs = bs;
        this.direct = direct;
    }

    @Override
    public long run(Path path, Digester digester, LongConsumer progress) throws IOException {
        OpenOption[] options = direct ? new OpenOption[] {StandardOpenOption.READ, ExtendedOpenOption.DIRECT}
                : new OpenOption[] {StandardOpenOption.READ};
        ByteBuffer buffer = ByteBuffer.allocateDirect(bs + AsyncReadAhead.ALIGN).alignedSlice(AsyncReadAhead.ALIGN);
        buffer.limit(bs);
        long total = 0;
        try (FileChannel channel = FileChannel.open(path, options)) {
            while (true) {
                buffer.clear().limit(bs);
                int n = channel.read(buffer, total);
                if (n <= 0) {
                    return total;
                }
                buffer.flip();
                if (digester != null) {
                    digester.update(buffer);
                }
                total += n;
                progress.accept(n);
                if (direct && n < bs) {
                    // O_DIRECT's short read is the tail; a read at the unaligned offset after it would fail.
                    return total;
                }
            }
        }
    }
}
