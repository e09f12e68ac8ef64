package io.asys;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Sockets over loopback, end to end through the ring: socket, bind, listen, accept, connect, send, recv, shutdown. */
class AsysNetworkTest {
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

    private static <T> T get(java.util.concurrent.Future<T> f) throws Exception {
        return f.get(5, TimeUnit.SECONDS);
    }

    @Test
    void echoOverLoopback() throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        FileHandle server = get(asys.tcpSocket(any));
        assertEquals(0, get(asys.bind(server, any)));
        assertEquals(0, get(asys.listen(server, 16)));
        int boundPort = TypedApiTestSupport.boundPort(server);
        var accepted = asys.accept(server);
        FileHandle client = get(asys.tcpSocket(any));
        assertEquals(0, get(asys.connect(client, new InetSocketAddress(InetAddress.getLoopbackAddress(), boundPort))));
        FileHandle peer = get(accepted);

        MemorySegment out = Arena.ofAuto().allocateFrom("hello, ring", StandardCharsets.US_ASCII);
        assertEquals((int) out.byteSize(), get(asys.send(client, out)));
        MemorySegment in = Arena.ofAuto().allocate(64);
        int n = get(asys.recv(peer, in));
        assertEquals(out.byteSize(), n);
        assertEquals("hello, ring", in.getString(0, StandardCharsets.US_ASCII));

        assertEquals(0, get(asys.shutdown(client, 1)));
        assertEquals(0, get(asys.recv(peer, in)), "EOF after the peer's shutdown(SHUT_WR)");
        for (FileHandle h : new FileHandle[] {client, peer, server}) {
            assertEquals(0, get(asys.close(h)));
        }
    }

    /**
     * setsockopt (a socket command on io_uring 6.7+, the system call on a worker): the option is
     * set (getsockopt reads it back), an unknown option fails with ENOPROTOOPT and a file that is
     * no socket with ENOTSOCK, on both engines.
     */
    @Test
    void setsockoptSetsTheOptionAndNamesItsErrors(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        int solSocket = 1;
        int soRcvlowat = 18;
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        FileHandle socket = get(asys.tcpSocket(any));
        assertEquals(0, get(asys.setsockopt(socket, solSocket, soRcvlowat, 12345)));
        MemorySegment value = Arena.ofAuto().allocate(4);
        MemorySegment length = Arena.ofAuto().allocate(4);
        length.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, 4);
        assertEquals(0L, (long) get(asys.syscall(RawCall.of("getsockopt").arg(socket.fd()).arg(solSocket).arg(soRcvlowat)
                .arg(value).arg(length))));
        assertEquals(12345, value.get(java.lang.foreign.ValueLayout.JAVA_INT, 0));

        Throwable unknown = assertThrows(ExecutionException.class, () -> get(asys.setsockopt(socket, solSocket, 9999, 1))).getCause();
        assertEquals(Errno.ENOPROTOOPT, ((ErrnoException) unknown).errno(), unknown.toString());
        java.nio.file.Path f = java.nio.file.Files.writeString(dir.resolve("not-a-socket"), "x");
        FileHandle file = get(asys.open(f, FileDescriptors.O_RDONLY, 0));
        Throwable notSocket = assertThrows(ExecutionException.class, () -> get(asys.setsockopt(file, solSocket, soRcvlowat, 1))).getCause();
        assertEquals(Errno.ENOTSOCK, ((ErrnoException) notSocket).errno(), notSocket.toString());
        assertEquals(0, get(asys.close(file)));
        assertEquals(0, get(asys.close(socket)));
    }

    @Test
    void connectToAClosedPortIsRefused() throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        FileHandle probe = get(asys.tcpSocket(any));
        assertEquals(0, get(asys.bind(probe, any)));
        assertEquals(0, get(asys.listen(probe, 1)));
        int port = TypedApiTestSupport.boundPort(probe);
        get(asys.close(probe));
        FileHandle client = get(asys.tcpSocket(any));
        var e = assertThrows(ExecutionException.class,
                () -> get(asys.connect(client, new InetSocketAddress(InetAddress.getLoopbackAddress(), port))));
        ErrnoException errno = assertInstanceOf(ErrnoException.class, e.getCause());
        assertEquals(Errno.ECONNREFUSED, errno.errno());
        get(asys.close(client));
    }
}
