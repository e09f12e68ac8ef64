package io.asys;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.asys.TypedApiTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * O_DIRECT reads and writes through the typed API, many in flight (on the worker engine they go
 * through kernel AIO): the data, the errors of a misaligned buffer and of a bad offset, end of
 * file, writes that extend the file (refused by RWF_NOWAIT, done by a worker), and close with
 * I/O in flight: every operation completes exactly once.
 */
class AsysDirectIoTest {
    private static final int BS = 4096;
    private static final int BLOCKS = 256;

    @TempDir
    Path dir;
    private Asys asys;
    private Path file;
    private byte[] data;

    /** The asys under test: the engine the run chose (subclasses: another). */
    Asys openAsys() throws Exception {
        return Asys.open();
    }

    /** Whether this asys must run O_DIRECT through kernel AIO (the worker engine, asked for with the property). */
    boolean expectsKernelAio() {
        return asys.engine().equals("workers") && Boolean.getBoolean("asys.workers.kaio");
    }

    @BeforeEach
    void open() throws Exception {
        asys = openAsys();
        file = dir.resolve("direct");
        data = pattern(BLOCKS * BS, 11);
        Files.write(file, data);
    }

    @AfterEach
    void close() {
        asys.close();
    }

    private FileHandle openDirect(int flags) throws Exception {
        try {
            return get(asys.open(file, flags | Op.O_DIRECT, 0));
        } catch (java.util.concurrent.ExecutionException e) {
            org.junit.jupiter.api.Assumptions.assumeFalse(e.getCause() instanceof ErrnoException ee
                    && ee.errno() == Errno.EINVAL, "no O_DIRECT on this file system");
            throw e;
        }
    }

    @Test
    void manyReadsInFlightReturnTheFileData() throws Exception {
        FileHandle h = openDirect(O_RDONLY);
        List<CompletableFuture<Integer>> reads = new ArrayList<>();
        List<MemorySegment> buffers = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            for (int b = 0; b < BLOCKS; b++) {
                MemorySegment buffer = buffer(BS);
                buffers.add(buffer);
                reads.add(asys.read(h, buffer, (long) ((b * 37 + round) % BLOCKS) * BS));
            }
        }
        if (expectsKernelAio()) {
            assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("asys-aio")),
                    "the worker engine runs O_DIRECT reads through kernel AIO (its reaper thread is there)");
        }
        for (int i = 0; i < reads.size(); i++) {
            assertEquals(BS, reads.get(i).get(10, TimeUnit.SECONDS));
            int block = ((i % BLOCKS) * 37 + i / BLOCKS) % BLOCKS;
            assertArrayEquals(java.util.Arrays.copyOfRange(data, block * BS, block * BS + BS),
                    buffers.get(i).toArray(ValueLayout.JAVA_BYTE), "read " + i);
        }
        get(asys.close(h));
    }

    @Test
    void readsChainedFromCallbacksAllComplete() throws Exception {
        FileHandle h = openDirect(O_RDONLY);
        int loops = 32;
        int perLoop = 50;
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(loops);
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int l = 0; l < loops; l++) {
            MemorySegment buffer = buffer(BS);
            int loop = l;
            Runnable[] next = new Runnable[1];
            int[] n = {0};
            next[0] = () -> {
                int block = (loop * 7 + n[0] * 13) % BLOCKS;
                asys.read(h, buffer, (long) block * BS).whenComplete((res, t) -> {
                    if (t != null || res != BS || buffer.get(ValueLayout.JAVA_BYTE, 0) != data[block * BS]) {
                        failures.add(t != null ? t : new AssertionError("block " + block + ": " + res));
                    }
                    done.incrementAndGet();
                    if (++n[0] < perLoop) {
                        next[0].run();
                    } else {
                        finished.countDown();
                    }
                });
            };
            next[0].run();
        }
        assertTrue(finished.await(30, TimeUnit.SECONDS), "loops finished: " + (loops - finished.getCount()));
        assertEquals(List.of(), failures);
        assertEquals(loops * perLoop, done.get());
        get(asys.close(h));
    }

    @Test
    void aMisalignedBufferFailsWithEinvalAsPreadDoes() throws Exception {
        FileHandle h = openDirect(O_RDONLY);
        MemorySegment misaligned = Arena.ofAuto().allocate(2 * BS, BS).asSlice(1, BS);
        errno(asys.read(h, misaligned, 0), Errno.EINVAL);
        errno(asys.read(h, buffer(BS), 1), Errno.EINVAL);
        get(asys.close(h));
    }

    @Test
    void aReadAtOrAcrossTheEndIsShort() throws Exception {
        FileHandle h = openDirect(O_RDONLY);
        assertEquals(0, get(asys.read(h, buffer(BS), (long) BLOCKS * BS)));
        assertEquals(BS, get(asys.read(h, buffer(2 * BS), (long) (BLOCKS - 1) * BS)));
        get(asys.close(h));
    }

    @Test
    void writesOverwriteAndExtendTheFile() throws Exception {
        FileHandle h = openDirect(O_RDWR);
        List<CompletableFuture<Integer>> writes = new ArrayList<>();
        for (int b = 0; b < BLOCKS + 16; b++) {
            MemorySegment buffer = buffer(BS);
            buffer.fill((byte) b);
            writes.add(asys.write(h, buffer, (long) b * BS));
        }
        for (CompletableFuture<Integer> w : writes) {
            assertEquals(BS, w.get(10, TimeUnit.SECONDS));
        }
        get(asys.close(h));
        byte[] written = Files.readAllBytes(file);
        assertEquals((BLOCKS + 16) * BS, written.length);
        for (int b = 0; b < BLOCKS + 16; b++) {
            assertEquals((byte) b, written[b * BS], "block " + b);
            assertEquals((byte) b, written[b * BS + BS - 1], "block " + b);
        }
    }

    @Test
    void closeWithReadsInFlightCompletesEachExactlyOnce() throws Exception {
        FileHandle h = openDirect(O_RDONLY);
        List<AsysFuture<Integer>> reads = new ArrayList<>();
        for (int i = 0; i < 512; i++) {
            reads.add(asys.read(h, buffer(BS), (long) (i % BLOCKS) * BS));
            if (i % 64 == 0) {
                reads.get(i).cancel(false);
            }
        }
        asys.close();
        for (AsysFuture<Integer> r : reads) {
            assertTrue(r.isDone());
            assertEquals(1, r.deliveries(), "delivered once");
            if (!r.isCompletedExceptionally()) {
                assertEquals(BS, r.join());
            }
        }
    }
}
