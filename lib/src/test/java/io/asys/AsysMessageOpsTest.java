package io.asys;

import io.asys.uring.IoVecs;
import io.asys.uring.MessageHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

import static io.asys.TypedApiTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** sendmsg/recvmsg (datagrams with addresses, gathered and scattered) and zero-copy send, on the real kernel. */
class AsysMessageOpsTest {
    private static Asys asys;

    @BeforeAll
    static void open() throws Exception {
        asys = Asys.open();
    }

    @AfterAll
    static void close() {
        if (asys != null) {
            asys.close();
        }
    }

    private static MemorySegment ascii(String s) {
        return Arena.ofAuto().allocateFrom(s, StandardCharsets.US_ASCII).asSlice(0, s.length());
    }

    private FileHandle udpSocket() throws Exception {
        return get(asys.submit(new Op.Socket(SocketAddresses.AF_INET, SocketAddresses.SOCK_DGRAM, 0)));
    }

    @Test
    void sendmsgGathersAndRecvmsgScattersWithTheSendersAddress() throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (DatagramChannel peer = DatagramChannel.open().bind(any)) {
            FileHandle sock = udpSocket();
            assertEquals(0, get(asys.bind(sock, any)));
            IoVecs parts = IoVecs.allocate(2).set(0, ascii("hello, ")).set(1, ascii("datagram"));
            MessageHeader out = MessageHeader.forSend(parts, SocketAddresses.encode((InetSocketAddress) peer.getLocalAddress()));
            assertEquals(15, get(asys.sendmsg(sock, out, 0)));
            ByteBuffer got = ByteBuffer.allocate(64);
            InetSocketAddress from = (InetSocketAddress) peer.receive(got);
            assertEquals("hello, datagram", new String(got.array(), 0, got.position(), StandardCharsets.US_ASCII));

            peer.send(ByteBuffer.wrap("reply-data".getBytes(StandardCharsets.US_ASCII)), from);
            MemorySegment a = Arena.ofAuto().allocate(5);
            MemorySegment b = Arena.ofAuto().allocate(16);
            MessageHeader in = MessageHeader.forReceive(IoVecs.allocate(2).set(0, a).set(1, b));
            assertEquals(10, get(asys.recvmsg(sock, in, 0)));
            assertEquals("reply", new String(a.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII));
            assertEquals("-data", new String(b.asSlice(0, 5).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII));
            MemorySegment source = in.sourceAddress();
            assertEquals(16, source.byteSize(), "a sockaddr_in");
            int port = Short.toUnsignedInt(source.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 2));
            assertEquals(((InetSocketAddress) peer.getLocalAddress()).getPort(), port);
            get(asys.close(sock));
        }
    }

    @Test
    void sendmsgWithoutAddressOnAnUnconnectedDatagramSocketFails() throws Exception {
        FileHandle sock = udpSocket();
        MessageHeader out = MessageHeader.forSend(IoVecs.allocate(1).set(0, ascii("x")), null);
        errno(asys.sendmsg(sock, out, 0), Errno.EDESTADDRREQ);
        get(asys.close(sock));
    }

    @Test
    void zeroCopySendDeliversTheBytesAndCompletesOnceTheBufferIsFree() throws Exception {
        FileHandle server = listener(asys);
        var accept = asys.accept(server);
        SocketChannel client = SocketChannel.open(addressOf(server));
        FileHandle peer = get(accept);
        byte[] data = pattern(64 * 1024, 3);
        MemorySegment buf = bytes(data);
        int sent = 0;
        ByteBuffer in = ByteBuffer.allocate(data.length);
        while (sent < data.length) {
            int n = get(asys.sendZeroCopy(peer, buf.asSlice(sent)));
            sent += n;
            while (in.position() < sent) {
                client.read(in);
            }
        }
        assertArrayEquals(data, in.array());
        client.close();
        get(asys.close(peer));
        get(asys.close(server));
    }

    @Test
    void zeroCopySendOnAClosedPeerFailsWithEpipeOrReset() throws Exception {
        FileHandle sock = get(asys.tcpSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        // Never connected: the kernel says so.
        int errno = Errors.errnoOf(failure(asys.sendZeroCopy(sock, ascii("nobody"))));
        org.junit.jupiter.api.Assertions.assertTrue(errno == Errno.EPIPE || errno == Errno.ENOTCONN,
                "EPIPE or ENOTCONN, got " + Errno.name(errno));
        get(asys.close(sock));
    }
}
