package io.asys.uring;

import io.asys.internal.uring.MsgHdrDescriptor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A {@code struct msghdr} for sendmsg and recvmsg built by asys from checked parts, so no
 * address inside it comes from the caller unchecked: the data buffers (an {@link IoVecs}, as
 * set when prepared) and an optional socket address (the destination of a send, or room for
 * the source of a receive). Held by the operation until its completion. Reusable after that.
 */
public final class MessageHeader {
    private final MemorySegment header;
    private final IoVecs data;
    private final MemorySegment address;
    private final boolean receive;
    private Object held;

    private MessageHeader(IoVecs data, MemorySegment address, boolean receive) {
        this.data = data;
        this.address = address;
        this.receive = receive;
        this.header = Arena.ofAuto().allocate(MsgHdrDescriptor.SIZE, 8);
    }

    /** For sendmsg: {@code data} to {@code destination} (an encoded sockaddr, or null on a connected socket). */
    public static MessageHeader forSend(IoVecs data, MemorySegment destination) {
        if (destination != null) {
            Buffers.checkNative(destination, false);
        }
        return new MessageHeader(data, destination, false);
    }

    /** For recvmsg into {@code data}, with room for the sender's address. */
    public static MessageHeader forReceive(IoVecs data) {
        return new MessageHeader(data, Arena.ofAuto().allocate(MsgHdrDescriptor.SOCKADDR_STORAGE_SIZE, 8), true);
    }

    /** For engines: fills the native struct from the parts as they are now; returns what the kernel may touch. */
    public Object prepare() {
        data.check(receive);
        held = new Object[] {data.hold(), address, header};
        header.set(ValueLayout.JAVA_LONG, MsgHdrDescriptor.NAME, address == null ? 0 : address.address());
        header.set(ValueLayout.JAVA_INT, MsgHdrDescriptor.NAMELEN, address == null ? 0 : (int) address.byteSize());
        header.set(ValueLayout.JAVA_LONG, MsgHdrDescriptor.IOV, data.address());
        header.set(ValueLayout.JAVA_LONG, MsgHdrDescriptor.IOVLEN, data.count());
        header.set(ValueLayout.JAVA_LONG, MsgHdrDescriptor.CONTROL, 0);
        header.set(ValueLayout.JAVA_LONG, MsgHdrDescriptor.CONTROLLEN, 0);
        header.set(ValueLayout.JAVA_INT, MsgHdrDescriptor.FLAGS, 0);
        return held;
    }

    /** The native {@code struct msghdr}, as last prepared. */
    public MemorySegment segment() {
        return header;
    }

    /** After a recvmsg: the sender's address as the kernel wrote it (empty if none). */
    public MemorySegment sourceAddress() {
        if (address == null || !receive) {
            return MemorySegment.NULL;
        }
        int length = header.get(ValueLayout.JAVA_INT, MsgHdrDescriptor.NAMELEN);
        return address.asSlice(0, Math.min(Math.max(length, 0), address.byteSize()));
    }

    /** After a recvmsg: {@code msg_flags} (MSG_TRUNC, MSG_CTRUNC, ...). */
    public int flags() {
        return header.get(ValueLayout.JAVA_INT, MsgHdrDescriptor.FLAGS);
    }

    public IoVecs data() {
        return data;
    }
}
