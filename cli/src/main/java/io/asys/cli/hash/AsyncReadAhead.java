package io.asys.cli.hash;

import io.asys.Asys;
import io.asys.FileDescriptors;
import io.asys.FileHandle;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.LongConsumer;

/**
 * Reads a file through {@link Asys} with {@code qd} reads in flight into a ring of {@code qd}
 * page-aligned buffers, and hashes the pieces in order on the calling thread while the next
 * reads are in flight: the time approaches max(read time, hash time), not their sum. With
 * {@code direct} the file is opened with O_DIRECT; the last piece is a short read of a full
 * aligned buffer, which the kernel allows. Each call owns its buffers and its file handle.
 */
public final class AsyncReadAhead implements FilePass {
    /** Buffer alignment: a page, which satisfies O_DIRECT on every logical block size up to 4 KiB. */
    static final int ALIGN = 4096;

    private final Asys asys;
    private final int bs;
    private final int qd;
    private final boolean direct;

    public AsyncReadAhead(Asys asys, int bs, int qd, boolean direct) {
        this.asys = asys;
        this.bs = bs;
        this.qd = qd;
        this.direct = direct;
    }

    /** The engine the reads run on ({@code uring} or {@code workers}). */
    public String engine() {
        return asys.engine();
    }

    @Override
    public long run(Path path, Digester digester, LongConsumer progress) throws IOException {
        FileHandle file = await(asys.open(path, FileDescriptors.O_RDONLY | (direct ? FileDescriptors.O_DIRECT : 0), 0));
        @SuppressWarnings("unchecked")
        CompletableFuture<Integer>[] inflight = new CompletableFuture[qd];
        try (Arena arena = Arena.ofShared()) {
            try {
                return read(path, file, digester, progress, arena, inflight);
            } finally {
                // Buffers are freed with the arena: first let every read still in flight complete.
                for (var f : inflight) {
                    if (f != null) {
                        f.exceptionally(t -> 0).join();
                    }
                }
            }
        } finally {
            asys.close(file).exceptionally(t -> 0).join();
        }
    }

    private long read(Path path, FileHandle file, Digester digester, LongConsumer progress, Arena arena,
                      CompletableFuture<Integer>[] inflight) throws IOException {
        long size = Files.size(path);
        long pieces = (size + bs - 1) / bs;
        MemorySegment[] buffers = new MemorySegment[(int) Math.min(qd, Math.max(1, pieces))];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = arena.allocate(bs, ALIGN);
            if (i < pieces) {
                inflight[i] = asys.read(file, buffers[i], (long) i * bs);
            }
        }
        long total = 0;
        for (long piece = 0; piece < pieces; piece++) {
            int slot = (int) (piece % buffers.length);
            MemorySegment buffer = buffers[slot];
            long offset = piece * bs;
            int want = (int) Math.min(bs, size - offset);
            int got = await(inflight[slot]);
            inflight[slot] = null;
            while (got < want) {
                // A short read before the end: read the rest (rare on regular files; aligned with O_DIRECT).
                int more = await(asys.read(file, buffer.asSlice(got), offset + got));
                if (more == 0) {
                    throw new IOException(path + ": the file shrank while it was being read");
                }
                got += more;
            }
            if (digester != null) {
                digester.update(buffer.asSlice(0, want).asByteBuffer());
            }
            if (piece + buffers.length < pieces) {
                inflight[slot] = asys.read(file, buffer, (piece + buffers.length) * bs);
            }
            total += want;
            progress.accept(want);
        }
        return total;
    }

    /** The future's value, or its failure as the IOException the engine gave (naming errno, operation and path). */
    static <T> T await(CompletableFuture<T> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }
}
