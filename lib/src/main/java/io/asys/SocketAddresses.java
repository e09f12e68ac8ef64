package io.asys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;

/**
 * Encodes {@link InetSocketAddress}es as native {@code struct sockaddr_in} (16 bytes) or
 * {@code sockaddr_in6} (28 bytes) for connect and bind. Stateless and thread-safe.
 */
public final class SocketAddresses {
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_CLOEXEC = 02000000;

    private static final ValueLayout.OfShort NET_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private SocketAddresses() {
    }

    /** The address family for an address: AF_INET or AF_INET6. */
    public static int family(InetSocketAddress address) {
        return address.getAddress() instanceof Inet6Address ? AF_INET6 : AF_INET;
    }

    /** A native sockaddr for {@code address}, freed by the GC once unreachable. */
    public static MemorySegment encode(InetSocketAddress address) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + address);
        }
        byte[] ip = address.getAddress().getAddress();
        if (address.getAddress() instanceof Inet4Address) {
            MemorySegment sa = Arena.ofAuto().allocate(16, 4);
            sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
            sa.set(NET_SHORT, 2, (short) address.getPort());
            MemorySegment.copy(ip, 0, sa, ValueLayout.JAVA_BYTE, 4, 4);
            return sa;
        }
        MemorySegment sa = Arena.ofAuto().allocate(28, 4);
        sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET6);
        sa.set(NET_SHORT, 2, (short) address.getPort());
        MemorySegment.copy(ip, 0, sa, ValueLayout.JAVA_BYTE, 8, 16);
        sa.set(ValueLayout.JAVA_INT, 24, ((Inet6Address) address.getAddress()).getScopeId());
        return sa;
    }
}
