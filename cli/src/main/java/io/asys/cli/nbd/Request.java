package io.asys.cli.nbd;

import java.lang.foreign.MemorySegment;

/**
 * One request of the transmission phase, from its header to its reply: the decoded header, the
 * pooled buffer holding its payload (WRITE), its data (READ) and its reply header, and the NBD
 * error it was refused with, if any. Owned by one request at a time (receiver, then engine
 * completions, then the sender); each step happens after the one before.
 */
final class Request {
    final int flags;
    final int type;
    final long cookie;
    /** Unsigned 64-bit offset as sent (negative means past 2^63). */
    final long offset;
    final long length;
    BufferPool.Buffer buffer;
    /** The payload area: {@code length} bytes for READ and WRITE, else empty (a READ sent from the mapped export too). */
    MemorySegment data;
    /** A READ's data in the mapped export, sent from there after the reply header; else null. */
    MemorySegment cached;
    /** Bytes counted against the connection's in-flight limit. */
    long counted;
    /** Set when admitted: 0, or the NBD error the request is refused with. */
    int error;
    String message;
    /** The engine a READ or WRITE ran on (its reply is sent from there), or null (the network's). */
    io.asys.Asys engine;

    Request(int flags, int type, long cookie, long offset, long length) {
        this.flags = flags;
        this.type = type;
        this.cookie = cookie;
        this.offset = offset;
        this.length = length;
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    @Override
    public String toString() {
        return Nbd.commandName(type) + " offset " + Long.toUnsignedString(offset) + " length " + length;
    }
}
