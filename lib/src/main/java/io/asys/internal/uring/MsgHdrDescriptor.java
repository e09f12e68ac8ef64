package io.asys.internal.uring;

/**
 * {@code struct msghdr} (56 bytes on 64-bit Linux), the argument of sendmsg and recvmsg:
 * <pre>
 *   0 msg_name (pointer)     8 msg_namelen (u32)   12 padding
 *  16 msg_iov (pointer)     24 msg_iovlen (u64)
 *  32 msg_control (pointer) 40 msg_controllen (u64)
 *  48 msg_flags (i32)       52 padding
 * </pre>
 */
public final class MsgHdrDescriptor {
    public static final int SIZE = 56;
    public static final long NAME = 0;
    public static final long NAMELEN = 8;
    public static final long IOV = 16;
    public static final long IOVLEN = 24;
    public static final long CONTROL = 32;
    public static final long CONTROLLEN = 40;
    public static final long FLAGS = 48;
    /** {@code sizeof(struct sockaddr_storage)}: room for any address recvmsg reports. */
    public static final int SOCKADDR_STORAGE_SIZE = 128;

    private MsgHdrDescriptor() {
    }
}
