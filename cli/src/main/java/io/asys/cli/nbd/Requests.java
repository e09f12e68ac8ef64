package io.asys.cli.nbd;

import io.asys.Errors;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Request dispatch of one connection: checks a request against the export and the negotiated
 * flags (unknown commands and flags, read-only, bounds, block size and alignment), runs it on
 * the {@link Export}, and queues its reply (simple or structured, as negotiated) as soon as it
 * completes, so replies leave in completion order. Thread-safe: replies are built on whichever
 * engine thread completes the operation.
 */
final class Requests {
    private static final int MAX_MESSAGE = 200;
    private static final boolean TRACE = Boolean.getBoolean("asys.nbd.trace");

    private final Connection c;
    private final Export export;

    Requests(Connection c) {
        this.c = c;
        this.export = c.export;
    }

    /** Checks a request and gives it its buffer; it counts as in flight from here until its reply is sent. */
    void admit(Request r) {
        refusal(r);
        if (r.error == 0 && r.type == Nbd.CMD_READ) {
            r.cached = export.cachedView(r.offset, r.length);
        }
        long bytes = r.error == 0 && r.cached == null && (r.type == Nbd.CMD_READ || r.type == Nbd.CMD_WRITE) ? r.length : 0;
        r.buffer = c.pool.take(bytes);
        r.data = r.buffer.data(bytes);
        // A read sent from the mapping holds no buffer, but its reply still counts whole: a client
        // that does not read its replies is paused after as many bytes either way.
        r.counted = Math.max(r.buffer.capacity(), r.cached == null ? 0 : r.length);
        c.begin(r.counted);
    }

    /** Runs an admitted (or not yet admitted) request and replies when it completes. */
    void execute(Request r) {
        if (TRACE) {
            c.server.log(c.peer + ": " + r + " flags " + r.flags);
        }
        if (r.buffer == null) {
            admit(r);
        }
        if (r.error != 0) {
            replyError(r, r.error, r.message);
            return;
        }
        if (r.cached != null) {
            // Nothing to read: the data leaves from the page cache right after the header.
            replyOk(r);
            return;
        }
        CompletableFuture<Integer> op;
        try {
            op = run(r);
        } catch (RuntimeException e) {
            op = CompletableFuture.failedFuture(e);
        }
        op.whenComplete((v, t) -> {
            if (t == null) {
                replyOk(r);
            } else {
                Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
                int errno = Errors.errnoOf(cause);
                c.server.logError(c.peer + ": " + r + ": " + cause.getMessage());
                replyError(r, errno == 0 ? Nbd.EIO : Nbd.error(errno), cause.getMessage());
            }
        });
    }

    /** A request whose payload never fully arrived: it is dropped, unanswered. */
    void abandon(Request r) {
        c.pool.release(r.buffer);
        c.end(r.counted);
    }

    private CompletableFuture<Integer> run(Request r) {
        boolean fua = r.has(Nbd.CMD_FLAG_FUA);
        return switch (r.type) {
            case Nbd.CMD_READ -> export.read(r.engine = export.readEngineFor(r.length), r.data, r.offset);
            case Nbd.CMD_WRITE -> export.write(r.engine = export.writeEngine(), r.data, r.offset, fua);
            case Nbd.CMD_FLUSH -> export.flush();
            case Nbd.CMD_TRIM -> export.trim(r.offset, r.length, fua);
            case Nbd.CMD_WRITE_ZEROES -> export.writeZeroes(r.offset, r.length, r.has(Nbd.CMD_FLAG_NO_HOLE),
                    r.has(Nbd.CMD_FLAG_FAST_ZERO), fua);
            // CACHE is advice: a failure to prefetch is no failure of the request.
            case Nbd.CMD_CACHE -> export.cache(r.offset, r.length).exceptionally(t -> 0);
            default -> throw new IllegalStateException("not admitted: " + r);
        };
    }

    /** Sets {@code r.error} and {@code r.message} if the request must be refused. */
    private void refusal(Request r) {
        int allowed = Nbd.CMD_FLAG_FUA;
        boolean writes = false;
        switch (r.type) {
            case Nbd.CMD_READ -> allowed |= c.structured ? Nbd.CMD_FLAG_DF : 0;
            case Nbd.CMD_WRITE, Nbd.CMD_TRIM -> writes = true;
            case Nbd.CMD_WRITE_ZEROES -> {
                writes = true;
                allowed |= Nbd.CMD_FLAG_NO_HOLE | Nbd.CMD_FLAG_FAST_ZERO;
            }
            case Nbd.CMD_FLUSH, Nbd.CMD_CACHE -> {
            }
            default -> {
                refuse(r, Nbd.EINVAL, "unknown command " + r.type);
                return;
            }
        }
        if ((r.flags & ~allowed) != 0) {
            refuse(r, Nbd.EINVAL, "flags 0x" + Integer.toHexString(r.flags) + " not valid for " + Nbd.commandName(r.type));
        } else if (r.type == Nbd.CMD_FLUSH) {
            if (r.offset != 0 || r.length != 0) {
                refuse(r, Nbd.EINVAL, "FLUSH takes offset 0 and length 0");
            }
        } else if (writes && export.readOnly) {
            refuse(r, Nbd.EPERM, "the export is read-only");
        } else if (r.length == 0) {
            refuse(r, Nbd.EINVAL, "zero length");
        } else if ((r.type == Nbd.CMD_READ || r.type == Nbd.CMD_WRITE) && r.length > Export.MAX_PAYLOAD) {
            refuse(r, Nbd.EOVERFLOW, "length " + r.length + " is over the maximum block size " + Export.MAX_PAYLOAD);
        } else if (r.offset < 0 || r.offset > export.size || r.length > export.size - r.offset) {
            refuse(r, r.type == Nbd.CMD_WRITE || r.type == Nbd.CMD_WRITE_ZEROES ? Nbd.ENOSPC : Nbd.EINVAL,
                    "offset " + Long.toUnsignedString(r.offset) + " + length " + r.length + " is past the end of the export ("
                            + export.size + " bytes)");
        } else if (export.direct && (r.type == Nbd.CMD_READ || r.type == Nbd.CMD_WRITE)
                && ((r.offset | r.length) & (Export.DIRECT_BLOCK - 1)) != 0) {
            refuse(r, Nbd.EINVAL, "offset and length must be multiples of " + Export.DIRECT_BLOCK + " (O_DIRECT)");
        }
    }

    private static void refuse(Request r, int error, String message) {
        r.error = error;
        r.message = message;
    }

    private void replyOk(Request r) {
        MemorySegment w = r.buffer.whole;
        int h = r.buffer.headroom;
        int at;
        long size;
        if (r.type == Nbd.CMD_READ) {
            // The data follows the header in the buffer, or is sent from the page cache after it.
            long inBuffer = r.cached == null ? r.length : 0;
            if (c.structured) {
                at = h - Wire.OFFSET_DATA_PREFIX;
                Wire.chunkHeader(w, at, Nbd.REPLY_FLAG_DONE, Nbd.REPLY_TYPE_OFFSET_DATA, r.cookie, (int) (r.length + 8));
                w.set(Wire.U64, at + Wire.CHUNK_HEADER_SIZE, r.offset);
                size = Wire.OFFSET_DATA_PREFIX + inBuffer;
            } else {
                at = h - Wire.SIMPLE_REPLY_SIZE;
                size = Wire.simpleReply(w, at, 0, r.cookie) + inBuffer;
            }
        } else {
            // A success without data is a simple reply even where structured replies were
            // negotiated (the protocol allows either for every command but READ): 16 bytes, which
            // clients such as libnbd read in one recv, where a structured chunk takes them two
            // (the first 16 bytes, then the rest of its 20-byte header).
            at = h - Wire.SIMPLE_REPLY_SIZE;
            size = Wire.simpleReply(w, at, 0, r.cookie);
        }
        send(r, w.asSlice(at, size));
    }

    private void send(Request r, MemorySegment bytes) {
        // A reply leaves from the engine that ran the request (its completion's thread): no hand-off.
        c.reply(bytes, r.cached, r.counted, () -> c.pool.release(r.buffer), r.engine);
    }

    private void replyError(Request r, int error, String message) {
        MemorySegment w = r.buffer.whole;
        int h = r.buffer.headroom;
        if (!c.structured) {
            int at = h - Wire.SIMPLE_REPLY_SIZE;
            send(r, w.asSlice(at, Wire.simpleReply(w, at, error, r.cookie)));
            return;
        }
        byte[] text = message == null ? new byte[0] : message.getBytes(StandardCharsets.UTF_8);
        int m = Math.min(text.length, MAX_MESSAGE);
        int at = h - Wire.CHUNK_HEADER_SIZE;
        Wire.chunkHeader(w, at, Nbd.REPLY_FLAG_DONE, Nbd.REPLY_TYPE_ERROR, r.cookie, 6 + m);
        w.set(Wire.U32, h, error);
        w.set(Wire.U16, h + 4, (short) m);
        MemorySegment.copy(text, 0, w, ValueLayout.JAVA_BYTE, h + 6, m);
        send(r, w.asSlice(at, Wire.CHUNK_HEADER_SIZE + 6 + m));
    }
}
