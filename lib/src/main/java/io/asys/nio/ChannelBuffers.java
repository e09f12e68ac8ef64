package io.asys.nio;

import io.asys.Blocking;
import io.asys.FileHandle;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Moving bytes between {@link ByteBuffer}s and a file through the blocking facade: direct buffers
 * are handed to the kernel as they are, heap buffers through a pooled bounce buffer (returned to
 * the pool only after the operation completed, which {@link Blocking} guarantees even on interrupt).
 * Buffer positions advance by the bytes moved, as the JDK's channels do.
 */
final class ChannelBuffers {
    private ChannelBuffers() {
    }

    /** One pread into {@code dst}; -1 at end of file, 0 if {@code dst} has no room. */
    static int read(Blocking io, FileHandle file, ByteBuffer dst, long at) throws IOException {
        return dst.isDirect() ? readDirect(io, file, dst, at) : readHeap(io, file, dst, at);
    }

    /**
     * {@link #read} into a direct buffer, handed to the kernel as it is. The channels' positional
     * and relative reads call this or {@link #readHeap} themselves, so that the JIT profiles each
     * kind of buffer at its own call site: a program that reads a few files into heap buffers then
     * does not deoptimise its hot direct-buffer reads.
     */
    static int readDirect(Blocking io, FileHandle file, ByteBuffer dst, long at) throws IOException {
        int len = dst.remaining();
        if (len == 0) {
            return 0;
        }
        int n = io.read(file, MemorySegment.ofBuffer(dst), at);
        if (n > 0) {
            dst.position(dst.position() + n);
        }
        return n == 0 ? -1 : n;
    }

    /** {@link #read} into a heap buffer, through a pooled native bounce buffer (at most {@link BufferPool#SIZE}). */
    static int readHeap(Blocking io, FileHandle file, ByteBuffer dst, long at) throws IOException {
        int len = dst.remaining();
        if (len == 0) {
            return 0;
        }
        int n;
        MemorySegment bounce = BufferPool.take(len);
        try {
            n = io.read(file, bounce.asSlice(0, Math.min(len, bounce.byteSize())), at);
            if (n > 0) {
                MemorySegment.copy(bounce, 0, MemorySegment.ofBuffer(dst), 0, n);
            }
        } finally {
            BufferPool.give(bounce);
        }
        if (n > 0) {
            dst.position(dst.position() + n);
        }
        return n == 0 ? -1 : n;
    }

    /** Reads into the buffers in turn from {@code at}, stopping at a short read; -1 at end of file. */
    static long scatter(Blocking io, FileHandle file, ByteBuffer[] dsts, int offset, int length, long at)
            throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            ByteBuffer dst = dsts[i];
            int want = dst.remaining();
            if (want == 0) {
                continue;
            }
            int n = read(io, file, dst, at + total);
            if (n < 0) {
                return total == 0 ? -1 : total;
            }
            total += n;
            if (n < want) {
                break;
            }
        }
        return total;
    }

    /** Writes all of {@code src} at {@code at}; returns the bytes written. */
    static int write(Blocking io, FileHandle file, ByteBuffer src, long at) throws IOException {
        return src.isDirect() ? writeDirect(io, file, src, at) : writeHeap(io, file, src, at);
    }

    /** {@link #write} from a direct buffer, handed to the kernel as it is. */
    static int writeDirect(Blocking io, FileHandle file, ByteBuffer src, long at) throws IOException {
        int len = src.remaining();
        int total = 0;
        MemorySegment whole = MemorySegment.ofBuffer(src);
        while (total < len) {
            total += io.write(file, total == 0 ? whole : whole.asSlice(total), at + total);
        }
        src.position(src.position() + total);
        return total;
    }

    /** {@link #write} from a heap buffer, through a pooled native bounce buffer, {@link BufferPool#SIZE} at a time. */
    static int writeHeap(Blocking io, FileHandle file, ByteBuffer src, long at) throws IOException {
        int len = src.remaining();
        int total = 0;
        MemorySegment heap = MemorySegment.ofBuffer(src);
        MemorySegment bounce = BufferPool.take(len);
        try {
            while (total < len) {
                int chunk = (int) Math.min(len - total, bounce.byteSize());
                MemorySegment.copy(heap, total, bounce, 0, chunk);
                total += io.write(file, bounce.asSlice(0, chunk), at + total);
            }
        } finally {
            BufferPool.give(bounce);
        }
        src.position(src.position() + total);
        return total;
    }

    /** transferTo by positional reads of {@code from} and relative writes to {@code target}. */
    static long transferTo(FileChannel from, long at, long count, WritableByteChannel target) throws IOException {
        MemorySegment bounce = BufferPool.take();
        try {
            ByteBuffer buffer = bounce.asByteBuffer();
            long total = 0;
            while (total < count) {
                buffer.clear().limit((int) Math.min(count - total, buffer.capacity()));
                int n = from.read(buffer, at + total);
                if (n <= 0) {
                    break;
                }
                buffer.flip();
                while (buffer.hasRemaining()) {
                    int w = target.write(buffer);
                    if (w == 0) {
                        // A non-blocking target that is full: report what it took.
                        return total + (n - buffer.remaining());
                    }
                }
                total += n;
            }
            return total;
        } finally {
            BufferPool.give(bounce);
        }
    }

    /** transferFrom by relative reads of {@code src} and positional writes to {@code to}. */
    static long transferFrom(FileChannel to, ReadableByteChannel src, long at, long count) throws IOException {
        MemorySegment bounce = BufferPool.take();
        try {
            ByteBuffer buffer = bounce.asByteBuffer();
            long total = 0;
            while (total < count) {
                buffer.clear().limit((int) Math.min(count - total, buffer.capacity()));
                int n = src.read(buffer);
                if (n <= 0) {
                    break;
                }
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer, at + total + (n - buffer.remaining()));
                }
                total += n;
            }
            return total;
        } finally {
            BufferPool.give(bounce);
        }
    }
}
