package io.asys;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.asys.TypedApiTestSupport.addressOf;
import static io.asys.TypedApiTestSupport.get;
import static io.asys.TypedApiTestSupport.listener;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Asys.close()} at a random moment while every kind of long-lived operation is in flight:
 * multishot accept, receive (on provided buffers, some starved) and poll, futex waits, sleeps,
 * pipe reads parked in virtual threads, zero-copy sends, messages. When close returns every
 * future is done, each exactly once; the JVM keeps no descriptor of the closed instance.
 */
class AsysCloseChaosTest {

    @Test
    void closeWithEverythingInFlightEndsEachOperationOnce() throws Exception {
        Random rnd = new Random(42);
        closeOnce(rnd, -1); // the JDK opens what it keeps for good (random devices, ...) on first use
        int before = openDescriptors();
        List<String> was = descriptors();
        for (int round = 0; round < 8; round++) {
            closeOnce(rnd, round);
        }
        // Sockets the JDK side closed may linger a moment in the kernel, never in our table.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (openDescriptors() > before && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        List<String> now = descriptors();
        now.removeAll(was);
        assertEquals(before, openDescriptors(), "descriptors after 8 closes; new: " + now);
    }

    private static void closeOnce(Random rnd, int round) throws Exception {
        Asys asys = Asys.open();
        List<CompletableFuture<?>> futures = new ArrayList<>();
        List<AutoCloseable> outside = new ArrayList<>();
        FileHandle server = listener(asys);
        LinkedBlockingQueue<FileHandle> accepted = new LinkedBlockingQueue<>();
        futures.add(asys.acceptMultishot(server, accepted::add));
        ProvidedBuffers buffers = asys.provideBuffers(2, 64);
        List<FileHandle> handles = new ArrayList<>(List.of(server));
        for (int i = 0; i < 3; i++) {
            SocketChannel client = SocketChannel.open(addressOf(server));
            outside.add(client);
            FileHandle peer = accepted.poll(10, TimeUnit.SECONDS);
            handles.add(peer);
            // Buffers kept by the consumer: after 2 items the receive starves.
            futures.add(asys.recvMultishot(peer, buffers, b -> { }));
            client.write(ByteBuffer.allocate(200 + rnd.nextInt(2000)));
            MemorySegment payload = Arena.ofAuto().allocate(64 * 1024);
            futures.add(asys.sendZeroCopy(peer, payload));
        }
        FileHandle[] pipe = asys.pipe();
        handles.add(pipe[0]);
        handles.add(pipe[1]);
        futures.add(asys.pollMultishot(pipe[0], 1, e -> { }));
        MemorySegment word = Arena.ofAuto().allocate(4, 4);
        for (int i = 0; i < 4; i++) {
            futures.add(asys.futexWait(word, 0));
            futures.add(asys.sleep(Duration.ofSeconds(30)));
        }
        Blocking io = Blocking.of(asys);
        List<CompletableFuture<Object>> parked = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            CompletableFuture<Object> ended = new CompletableFuture<>();
            parked.add(ended);
            Thread.ofVirtual().start(() -> {
                try {
                    ended.complete(io.read(pipe[0], Arena.ofAuto().allocate(16), -1));
                } catch (IOException | RuntimeException e) {
                    ended.complete(e);
                }
            });
        }
        try (Asys target = Asys.open()) {
            target.onMessage(v -> { });
            for (int i = 0; i < 50; i++) {
                futures.add(asys.sendMessage(target, i));
            }
            Path f = Files.createTempFile("asys-chaos", ".dat");
            FileHandle file = get(asys.open(f, FileDescriptors.O_RDWR, 0));
            handles.add(file);
            for (int i = 0; i < 32; i++) {
                futures.add(asys.write(file, Arena.ofAuto().allocate(4096), 4096L * i));
                futures.add(asys.fsync(file));
            }
            Thread.sleep(rnd.nextInt(5));
            long t0 = System.nanoTime();
            asys.close();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 15_000, "close took " + ms + " ms");
            Files.deleteIfExists(f);
        }
        for (CompletableFuture<?> c : futures) {
            assertTrue(c.isDone(), "round " + round + ": an operation still pending after close returned");
            assertEquals(1, ((AsysFuture<?>) c).deliveries(), "round " + round + ": delivered exactly once");
        }
        for (CompletableFuture<Object> p : parked) {
            Object r = p.get(10, TimeUnit.SECONDS);
            assertTrue(!(r instanceof RuntimeException) || r instanceof IllegalStateException,
                    "a parked read ended with " + r);
        }
        buffers.close();
        for (AutoCloseable c : outside) {
            c.close();
        }
        // Handles of a closed Asys are closed synchronously: none may leak.
        for (FileHandle h : handles) {
            asys.close(h);
        }
    }

    private static List<String> descriptors() throws IOException {
        List<String> out = new ArrayList<>();
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : s.toList()) {
                try {
                    out.add(p.getFileName() + "->" + Files.readSymbolicLink(p));
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return out;
    }

    private static int openDescriptors() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        }
    }
}
