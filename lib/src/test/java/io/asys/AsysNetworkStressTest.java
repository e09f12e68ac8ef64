package io.asys;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static io.asys.TypedApiTestSupport.addressOf;
import static io.asys.TypedApiTestSupport.failure;
import static io.asys.TypedApiTestSupport.get;
import static io.asys.TypedApiTestSupport.listener;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many connections at once through multishot accept and multishot receive sharing a few provided
 * buffers (so receives starve and are re-armed), with buffers released late from another thread
 * and some streams cancelled half-way; and zero-copy sends whose buffer is overwritten the moment
 * each completes. Every stream arrives whole and in order (a cancelled one: a prefix of what was
 * sent), every operation completes exactly once, every buffer comes back.
 */
class AsysNetworkStressTest {
    private static final int CONNECTIONS = 12;
    private static final int BYTES_PER_CONNECTION = 192 * 1024;
    private static Asys asys;

    @BeforeAll
    static void open() throws Exception {
        asys = Asys.open();
    }

    @AfterAll
    static void close() {
        asys.close();
    }

    /** One accepted connection: the client's id (its first 4 bytes), what arrived, its receive. */
    private static final class Stream {
        final FileHandle peer;
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        volatile AsysFuture<Long> recv;

        Stream(FileHandle peer) {
            this.peer = peer;
        }

        synchronized void append(MemorySegment data) {
            got.writeBytes(data.toArray(ValueLayout.JAVA_BYTE));
        }

        synchronized byte[] bytes() {
            return got.toByteArray();
        }
    }

    @RepeatedTest(4)
    void streamsSharingFewProvidedBuffersArriveWholeOrAsAPrefixWhenCancelled(RepetitionInfo run) throws Exception {
        Random rnd = new Random(20261122 + run.getCurrentRepetition());
        byte[][] sent = new byte[CONNECTIONS][];
        for (int i = 0; i < CONNECTIONS; i++) {
            sent[i] = new byte[BYTES_PER_CONNECTION];
            rnd.nextBytes(sent[i]);
            ByteBuffer.wrap(sent[i]).putInt(i); // the stream's first 4 bytes say which client it is
        }
        FileHandle server = listener(asys);
        LinkedBlockingQueue<FileHandle> accepted = new LinkedBlockingQueue<>();
        AsysFuture<Long> accepts = asys.acceptMultishot(server, accepted::add);
        ScheduledExecutorService late = Executors.newSingleThreadScheduledExecutor();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            byte[] data = sent[i];
            long seed = rnd.nextLong();
            clients.add(Thread.ofPlatform().start(() -> send(server, data, seed)));
        }
        List<Stream> streams = new ArrayList<>();
        Map<Integer, Stream> byClient = new ConcurrentHashMap<>();
        try (ProvidedBuffers buffers = asys.provideBuffers(16, 2048)) {
            for (int i = 0; i < CONNECTIONS; i++) {
                FileHandle peer = accepted.poll(20, TimeUnit.SECONDS);
                assertNotNull(peer, "connection " + i + " not accepted");
                Stream s = new Stream(peer);
                streams.add(s);
                Random release = new Random(i);
                s.recv = asys.recvMultishot(peer, buffers, b -> {
                    s.append(b.data());
                    if (release.nextBoolean()) {
                        b.close();
                    } else {
                        // Released later from another thread: the receives starve meanwhile.
                        late.schedule(b::close, release.nextInt(300), TimeUnit.MICROSECONDS);
                    }
                });
            }
            // Cancel every fourth stream once a quarter of it arrived.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (int k = 0; k < streams.size(); k += 4) {
                Stream s = streams.get(k);
                while (s.bytes().length < BYTES_PER_CONNECTION / 4 && !s.recv.isDone() && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                asys.cancel(s.recv);
            }
            for (Stream s : streams) {
                try {
                    s.recv.get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    assertEquals(Errno.ECANCELED, Errors.errnoOf(e.getCause()), "a stream ends only by its cancel, not " + e.getCause());
                }
                assertEquals(1, s.recv.deliveries(), "each receive completes exactly once");
                byte[] got = s.bytes();
                assertTrue(got.length >= 4, "every stream starts with its client's id");
                int id = ByteBuffer.wrap(got).getInt();
                byClient.put(id, s);
                if (s.recv.isCompletedExceptionally()) {
                    assertArrayEquals(Arrays.copyOf(sent[id], got.length), got, "a cancelled stream holds a prefix");
                } else {
                    assertArrayEquals(sent[id], got, "stream of client " + id);
                }
            }
            late.shutdown();
            assertTrue(late.awaitTermination(10, TimeUnit.SECONDS));
            assertEquals(16, buffers.available(), "every provided buffer came back");
        }
        assertEquals(CONNECTIONS, byClient.size(), "each client's stream was seen once");
        for (Thread t : clients) {
            t.interrupt();
            t.join(10_000);
        }
        asys.cancel(accepts);
        assertEquals(Errno.ECANCELED, Errors.errnoOf(failure(accepts)));
        for (Stream s : streams) {
            get(asys.close(s.peer));
        }
        get(asys.close(server));
    }

    /** Sends {@code data} in random pieces; stops quietly when the server end goes (a cancelled stream). */
    private static void send(FileHandle server, byte[] data, long seed) {
        Random rnd = new Random(seed);
        try (SocketChannel c = SocketChannel.open(addressOf(server))) {
            for (int at = 0; at < data.length; ) {
                int n = Math.min(data.length - at, 1 + rnd.nextInt(9000));
                ByteBuffer b = ByteBuffer.wrap(data, at, n);
                while (b.hasRemaining()) {
                    c.write(b);
                }
                at += n;
            }
            c.shutdownOutput();
            c.read(ByteBuffer.allocate(1)); // until the server closes: keeps the stream open to its end
        } catch (Exception e) {
            // the server closed a cancelled stream, or the test ended
        }
    }

    @Test
    void zeroCopySendsLetTheirBufferGoOnlyAtCompletion() throws Exception {
        FileHandle server = listener(asys);
        var accept = asys.accept(server);
        try (SocketChannel client = SocketChannel.open(addressOf(server))) {
            FileHandle peer = get(accept);
            int rounds = 400;
            int size = 64 * 1024;
            MemorySegment buffer = Arena.ofAuto().allocate(size, 4096);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            CountDownLatch done = new CountDownLatch(1);
            Thread reader = Thread.ofPlatform().start(() -> {
                ByteBuffer b = ByteBuffer.allocate(1 << 16);
                try {
                    while (client.read(b.clear()) > 0) {
                        got.write(b.array(), 0, b.position());
                    }
                } catch (Exception e) {
                    // closed
                }
                done.countDown();
            });
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            for (int r = 0; r < rounds; r++) {
                buffer.fill((byte) r);
                // The moment a send completes its buffer is the caller's again: overwritten at once.
                // Any byte the kernel still sent from it afterwards would show up as the next round's value.
                int n = r % 2 == 0 ? get(asys.sendZeroCopy(peer, buffer)) : get(asys.send(peer, buffer));
                sent.write(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
                for (int left = size - n; left > 0; ) {
                    MemorySegment rest = buffer.asSlice(size - left, left);
                    int m = get(asys.send(peer, rest));
                    sent.write(rest.asSlice(0, m).toArray(ValueLayout.JAVA_BYTE));
                    left -= m;
                }
                buffer.fill((byte) 0xEE);
            }
            get(asys.shutdown(peer, 1));
            assertTrue(done.await(30, TimeUnit.SECONDS));
            reader.join();
            assertEquals((long) rounds * size, got.size());
            assertArrayEquals(sent.toByteArray(), got.toByteArray(), "bytes as they were when each send was submitted");
            get(asys.close(peer));
        }
        get(asys.close(server));
    }
}
