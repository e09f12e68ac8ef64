package io.asys;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.asys.TypedApiTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Operations that complete many times, on the real kernel (io_uring's multishot accept, poll and
 * recv with provided buffer rings; loops on the worker engine): every item arrives once, in
 * order, and the operation ends exactly once, with its count at end of stream or ECANCELED.
 */
class AsysMultishotTest {
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

    /** A connected TCP pair over loopback: the JDK's client end, asys's accepted end, and the listener. */
    private record Connection(FileHandle server, SocketChannel client, FileHandle peer) {
        static Connection open(Asys asys) throws Exception {
            FileHandle server = listener(asys);
            var accept = asys.accept(server);
            SocketChannel client = SocketChannel.open(addressOf(server));
            return new Connection(server, client, get(accept));
        }

        void close(Asys asys) throws Exception {
            client.close();
            get(asys.close(peer));
            get(asys.close(server));
        }
    }

    @Test
    void acceptMultishotHandsOverEveryConnectionUntilCancelled() throws Exception {
        FileHandle server = listener(asys);
        LinkedBlockingQueue<FileHandle> accepted = new LinkedBlockingQueue<>();
        AsysFuture<Long> all = asys.acceptMultishot(server, accepted::add);
        List<SocketChannel> clients = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 5; i++) {
            clients.add(SocketChannel.open(addressOf(server)));
        }
        for (int i = 0; i < 5; i++) {
            FileHandle peer = accepted.poll(5, TimeUnit.SECONDS);
            assertNotNull(peer, "connection " + i + " was not accepted");
            assertEquals(0, get(asys.close(peer)));
        }
        assertFalse(all.isDone(), "a multishot accept runs until cancelled");
        asys.cancel(all);
        assertEquals(Errno.ECANCELED, Errors.errnoOf(failure(all)));
        for (SocketChannel c : clients) {
            c.close();
        }
        assertEquals(0, get(asys.close(server)));
    }

    @Test
    void pollMultishotReportsEachArrival() throws Exception {
        FileHandle[] pipe = asys.pipe();
        LinkedBlockingQueue<Integer> events = new LinkedBlockingQueue<>();
        AsysFuture<Long> polls = asys.pollMultishot(pipe[0], 1 /* POLLIN */, events::add);
        MemorySegment one = Arena.ofAuto().allocateFrom("x", StandardCharsets.US_ASCII).asSlice(0, 1);
        for (int i = 0; i < 3; i++) {
            assertEquals(1, get(asys.write(pipe[1], one, -1)));
            Integer e = events.poll(5, TimeUnit.SECONDS);
            assertNotNull(e, "no readiness reported for write " + i);
            assertTrue((e & 1) != 0, "POLLIN expected, got " + e);
        }
        asys.cancel(polls);
        assertEquals(Errno.ECANCELED, Errors.errnoOf(failure(polls)));
        get(asys.close(pipe[0]));
        get(asys.close(pipe[1]));
    }

    @Test
    void recvMultishotDeliversTheStreamInOrderAndEndsWithItsCount() throws Exception {
        Connection c = Connection.open(asys);
        SocketChannel client = c.client();
        FileHandle peer = c.peer();
        try (ProvidedBuffers buffers = asys.provideBuffers(8, 64)) {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            AsysFuture<Long> stream = asys.recvMultishot(peer, buffers, b -> {
                try (b) {
                    got.writeBytes(b.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                }
            });
            byte[] sent = new byte[10_000];
            new java.util.Random(7).nextBytes(sent);
            for (int at = 0; at < sent.length; at += 1000) {
                client.write(ByteBuffer.wrap(sent, at, 1000));
            }
            client.shutdownOutput();
            long items = get(stream);
            assertTrue(items >= sent.length / 64, "at least one item per 64-byte buffer, got " + items);
            assertArrayEquals(sent, got.toByteArray());
            assertEquals(8, buffers.available(), "every buffer released is back");
        }
        c.close(asys);
    }

    @Test
    void recvMultishotWaitsForABufferWhenAllAreOut() throws Exception {
        Connection c = Connection.open(asys);
        SocketChannel client = c.client();
        FileHandle peer = c.peer();
        try (ProvidedBuffers buffers = asys.provideBuffers(2, 16)) {
            LinkedBlockingQueue<ReceivedBuffer> held = new LinkedBlockingQueue<>();
            AsysFuture<Long> stream = asys.recvMultishot(peer, buffers, held::add);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            client.write(ByteBuffer.wrap("0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
            ReceivedBuffer first = held.poll(5, TimeUnit.SECONDS);
            assertNotNull(first);
            client.write(ByteBuffer.wrap("ghijklmnopqrstuv".getBytes(StandardCharsets.US_ASCII)));
            ReceivedBuffer second = held.poll(5, TimeUnit.SECONDS);
            assertNotNull(second);
            // Both buffers are the application's now: the next arrival has to wait for one.
            client.write(ByteBuffer.wrap("wxyz".getBytes(StandardCharsets.US_ASCII)));
            assertEquals(null, held.poll(300, TimeUnit.MILLISECONDS), "nothing can arrive without a buffer");
            for (ReceivedBuffer b : new ReceivedBuffer[] {first, second}) {
                got.writeBytes(b.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                b.release();
                b.release(); // a second release does nothing
            }
            ReceivedBuffer third = held.poll(5, TimeUnit.SECONDS);
            assertNotNull(third, "the receive resumed after a release");
            got.writeBytes(third.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            third.release();
            assertEquals("0123456789abcdefghijklmnopqrstuvwxyz", got.toString(StandardCharsets.US_ASCII));
            asys.cancel(stream);
            assertEquals(Errno.ECANCELED, Errors.errnoOf(failure(stream)));
        }
        c.close(asys);
    }

    @Test
    void aSingleRecvPicksABufferAndFailsWithEnobufsWhenNoneIsFree() throws Exception {
        Connection c = Connection.open(asys);
        SocketChannel client = c.client();
        FileHandle peer = c.peer();
        try (ProvidedBuffers buffers = asys.provideBuffers(1, 32)) {
            client.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
            ReceivedBuffer b = get(asys.recv(peer, buffers));
            assertEquals("ping", new String(b.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII));
            assertEquals(0, buffers.available());
            client.write(ByteBuffer.wrap("pong".getBytes(StandardCharsets.US_ASCII)));
            errno(asys.recv(peer, buffers), Errno.ENOBUFS);
            b.release();
            ReceivedBuffer again = get(asys.recv(peer, buffers));
            assertEquals(4, again.length());
            again.release();
            client.shutdownOutput();
            ReceivedBuffer eof = get(asys.recv(peer, buffers));
            assertEquals(0, eof.length(), "end of stream is an empty result");
            eof.release();
        }
        c.close(asys);
    }

    @Test
    void aConsumerThatThrowsEndsTheOperationWithItsException() throws Exception {
        FileHandle server = listener(asys);
        IllegalStateException boom = new IllegalStateException("consumer failed");
        AsysFuture<Long> all = asys.acceptMultishot(server, h -> {
            asys.close(h);
            throw boom;
        });
        SocketChannel client = SocketChannel.open(addressOf(server));
        assertSame(boom, failure(all));
        client.close();
        get(asys.close(server));
    }

    @Test
    void multishotsTakeNoTimeoutAndJoinNoChain() throws Exception {
        FileHandle server = listener(asys);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> asys.submit(new Op.AcceptMultishot(server, h -> { }), java.time.Duration.ofSeconds(1)));
        Chain chain = asys.chain();
        var a = chain.then(new Op.AcceptMultishot(server, h -> { }));
        var n = chain.then(new Op.Nop());
        chain.submit();
        assertTrue(failure(a) instanceof IllegalArgumentException);
        assertTrue(failure(n) instanceof IllegalArgumentException);
        get(asys.close(server));
    }

    @Test
    void closingAsysEndsEveryMultishotOnceEvenOneWaitingForABuffer() throws Exception {
        Asys own = Asys.open();
        FileHandle server = listener(own);
        var accept = own.accept(server);
        SocketChannel client = SocketChannel.open(addressOf(server));
        FileHandle peer = get(accept);
        ProvidedBuffers buffers = own.provideBuffers(1, 8);
        LinkedBlockingQueue<ReceivedBuffer> held = new LinkedBlockingQueue<>();
        AsysFuture<Long> starved = own.recvMultishot(peer, buffers, held::add);
        client.write(ByteBuffer.wrap("12345678abc".getBytes(StandardCharsets.US_ASCII)));
        assertNotNull(held.poll(5, TimeUnit.SECONDS));
        Thread.sleep(100); // the rest waits for the only buffer, which the test keeps
        java.util.concurrent.atomic.AtomicInteger accepts = new java.util.concurrent.atomic.AtomicInteger();
        AsysFuture<Long> accepting = own.acceptMultishot(server, h -> accepts.incrementAndGet());
        java.util.concurrent.atomic.AtomicInteger endings = new java.util.concurrent.atomic.AtomicInteger();
        starved.whenComplete((v, t) -> endings.incrementAndGet());
        accepting.whenComplete((v, t) -> endings.incrementAndGet());
        own.close();
        assertEquals(Errno.ECANCELED, Errors.errnoOf(failure(starved)));
        assertEquals(Errno.ECANCELED, Errors.errnoOf(failure(accepting)));
        Thread.sleep(50);
        assertEquals(2, endings.get(), "each ended exactly once");
        buffers.close(); // after the engine: nothing left to unregister, and no exception
        client.close();
    }
}
