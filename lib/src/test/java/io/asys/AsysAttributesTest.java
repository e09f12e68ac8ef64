package io.asys;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

import static io.asys.TypedApiTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-operation attributes against the real kernel's page cache, on every engine. */
class AsysAttributesTest {
    private static final int POSIX_FADV_DONTNEED = 4;
    private static final Set<Attribute> ALL = EnumSet.allOf(Attribute.class);

    private static Asys asys;

    @TempDir
    Path dir;

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

    private static boolean onUring() {
        return !asys.engine().equals("workers");
    }

    private FileHandle writtenAndSynced(String name, int size) throws Exception {
        FileHandle h = get(asys.open(dir.resolve(name), O_CREAT | O_RDWR | O_TRUNC, 0644));
        assertEquals(size, get(asys.write(h, bytes(pattern(size, 5)), 0)));
        assertEquals(0, get(asys.fsync(h)));
        return h;
    }

    @Test
    void aReadOfDataJustWrittenIsAHitAndItsLatencyIsBoundedByWallTime() throws Exception {
        FileHandle h = writtenAndSynced("hot", 64 * 1024);
        MemorySegment buf = buffer(64 * 1024);
        long before = System.nanoTime();
        AsysFuture<Integer> read = asys.submit(new Op.Read(h, buf, 0), ALL);
        assertEquals(64 * 1024, get(read));
        long wall = System.nanoTime() - before;
        CompletionAttributes a = read.attributes();
        assertNotNull(a, "asked for, so present once done");
        assertEquals(CacheResult.HIT, a.cache(), a::toString);
        assertTrue(a.latencyNanos() > 0 && a.latencyNanos() <= wall, a + " within wall " + wall);
        assertTrue(a.queueNanos() >= 0 && a.queueNanos() <= a.latencyNanos(), a::toString);
        if (onUring()) {
            // A cached read completes on the submitting thread (asys.inlineReads), as on workers.
            assertEquals("rwf_nowait", a.cacheMethod());
            assertEquals(ExecutionPath.INLINE, a.path(), "a cached read completes on the submitting thread");
            assertFalse(a.isSupported(Attribute.CPU));
            assertThrows(UnsupportedOperationException.class, a::cpuNanos);
        } else {
            assertEquals("rwf_nowait", a.cacheMethod());
            assertEquals(ExecutionPath.INLINE, a.path(), "a cached read completes on the submitting thread");
            assertTrue(a.cpuNanos() >= 0, a::toString);
        }
        get(asys.close(h));
    }

    @Test
    void afterDontneedOnACleanFileAReadIsAMiss() throws Exception {
        // 4 MiB: a smaller read from a disk the host caches can complete while its submission
        // returns, which PATH then rightly reports as URING_NONBLOCKING.
        int size = 4 << 20;
        FileHandle h = writtenAndSynced("cold", size);
        assertEquals(0, get(asys.fadvise(h, 0, 0, POSIX_FADV_DONTNEED)));
        AsysFuture<Integer> read = asys.submit(new Op.Read(h, buffer(size), 0),
                EnumSet.of(Attribute.CACHE, Attribute.PATH, Attribute.LATENCY));
        assertEquals(size, get(read));
        CompletionAttributes a = read.attributes();
        assertEquals(CacheResult.MISS, a.cache(), a::toString);
        assertEquals(onUring() ? ExecutionPath.URING_ASYNC : ExecutionPath.WORKER, a.path(), a::toString);
        assertFalse(a.requested(Attribute.CPU));
        assertThrows(IllegalStateException.class, () -> a.get(Attribute.CPU), "not asked for");
        get(asys.close(h));
    }

    @Test
    void anOperationThatIsNotAReadSaysCacheIsUnsupported() throws Exception {
        AsysFuture<Statx> st = asys.submit(new Op.Statx(dir, 0, Statx.STATX_BASIC_STATS), EnumSet.of(Attribute.CACHE, Attribute.LATENCY, Attribute.PATH));
        assertTrue(get(st).isDirectory());
        CompletionAttributes a = st.attributes();
        assertFalse(a.isSupported(Attribute.CACHE));
        assertTrue(a.get(Attribute.CACHE).unsupported().contains("only reads"), a::toString);
        assertTrue(a.latencyNanos() > 0);
        assertNotNull(a.path());
    }

    @Test
    void failedOperationsCarryAttributesToo() throws Exception {
        AsysFuture<FileHandle> open = asys.submit(new Op.OpenAt(dir.resolve("missing"), O_RDONLY, 0), EnumSet.of(Attribute.LATENCY));
        assertTrue(failure(open) instanceof java.nio.file.NoSuchFileException);
        assertTrue(open.attributes().latencyNanos() > 0);
    }

    @Test
    void nothingIsMeasuredUnlessAskedAndDefaultsApplyToEveryOperation() throws Exception {
        AsysFuture<Integer> plain = asys.nop();
        get(plain);
        assertNull(plain.attributes());
        try (Asys other = Asys.open()) {
            other.defaultAttributes(EnumSet.of(Attribute.LATENCY));
            AsysFuture<Integer> nop = other.nop();
            get(nop);
            assertTrue(nop.attributes().latencyNanos() >= 0);
            assertFalse(nop.attributes().requested(Attribute.CACHE));
        }
        assertEquals(EnumSet.of(Attribute.LATENCY, Attribute.CACHE, Attribute.PATH), Attribute.parse("latency, cache,PATH"));
        assertThrows(IllegalArgumentException.class, () -> Attribute.parse("speed"));
    }

    @Test
    void statsSummariseAStreamPerOperationType() throws Exception {
        FileHandle h = writtenAndSynced("stats", 8192);
        AttributeStats stats = new AttributeStats();
        for (int i = 0; i < 10; i++) {
            Op.Read op = new Op.Read(h, buffer(4096), (i % 2) * 4096L);
            AsysFuture<Integer> f = asys.submit(op, EnumSet.of(Attribute.LATENCY, Attribute.CACHE, Attribute.PATH));
            get(f);
            stats.record(op, f.attributes());
        }
        AttributeStats.Summary read = stats.summaries().get("read");
        assertEquals(10, read.count());
        assertEquals(1.0, read.hitRatio());
        assertEquals(10, read.paths().values().stream().mapToLong(Long::longValue).sum());
        assertTrue(read.latencyPercentile(50) > 0 && read.latencyPercentile(50) <= read.latencyMax());
        get(asys.close(h));
    }

    @Test
    void aBlockingCallReturnsItsAttributesWithItsResult() throws Exception {
        FileHandle h = writtenAndSynced("blocking", 4096);
        Blocking blocking = Blocking.of(asys);
        var result = new java.util.concurrent.atomic.AtomicReference<Blocking.Attributed<Integer>>();
        Thread vt = Thread.ofVirtual().start(() -> {
            try {
                result.set(blocking.submit(new Op.Read(h, buffer(4096), 0), EnumSet.of(Attribute.LATENCY, Attribute.CACHE)));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        vt.join(5000);
        assertEquals(4096, result.get().value());
        assertEquals(CacheResult.HIT, result.get().attributes().cache());
        assertTrue(result.get().attributes().latencyNanos() > 0);
        get(asys.close(h));
    }

    @Test
    void onTheRingACachedReadTakenThereSaysCachestatAndNonblocking() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(onUring(), "io_uring runs here");
        FileHandle h = writtenAndSynced("ring", 128 * 1024);
        // Larger than the inline limit: the ring reads it.
        AsysFuture<Integer> read = asys.submit(new Op.Read(h, buffer(128 * 1024), 0), ALL);
        assertEquals(128 * 1024, get(read));
        CompletionAttributes a = read.attributes();
        assertEquals(CacheResult.HIT, a.cache(), a::toString);
        assertEquals("cachestat", a.cacheMethod());
        assertEquals(ExecutionPath.URING_NONBLOCKING, a.path(), "a cached read completes inside io_uring_enter");
        assertTrue(a.get(Attribute.CPU).unsupported().contains("kernel"), a::toString);
        get(asys.close(h));
    }

    @Test
    void anOperationRefusedBeforeAnyEngineRanItSaysLatencyIsUnknown() throws Exception {
        Asys closed = Asys.open();
        closed.close();
        AsysFuture<Integer> nop = closed.submit(new Op.Nop(), EnumSet.of(Attribute.LATENCY, Attribute.PATH));
        assertTrue(failure(nop) instanceof IllegalStateException);
        CompletionAttributes a = nop.attributes();
        assertFalse(a.isSupported(Attribute.LATENCY), a::toString);
        assertTrue(a.get(Attribute.LATENCY).unsupported().contains("refused"), a::toString);
        assertFalse(a.isSupported(Attribute.PATH));
    }
}
