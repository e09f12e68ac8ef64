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
