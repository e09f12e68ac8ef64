package io.asys;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * statx of many paths as one request ({@link Op.StatxAll}): the same result or errno per path as
 * one statx per path, on every route (lookup threads, the io_uring engine, which hands batches to
 * its worker engine, and the worker engine), with or without a timeout; cancelled batches still
 * complete exactly once.
 */
class AsysStatxBatchTest {
    @TempDir
    Path dir;

    private static Asys open(String statxRoute) throws ErrnoException {
        return TypedApiTestSupport.openWithStatxRoute(statxRoute);
    }

    @Test
    void eachPathGetsWhatItsOwnStatxGetsOnEveryRoute() throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[1234]);
        Path sub = Files.createDirectory(dir.resolve("d"));
        Path link = Files.createSymbolicLink(dir.resolve("l"), file);
        List<Path> paths = List.of(file, dir.resolve("missing"), sub, file.resolve("under-a-file"), link, Path.of(""));
        int[] expectedErrno = {0, Errno.ENOENT, 0, Errno.ENOTDIR, 0, Errno.ENOENT};
        for (String route : new String[] {null, "uring", "workers"}) {
            try (Asys asys = open(route)) {
                for (Duration timeout : new Duration[] {null, Duration.ofSeconds(10)}) {
                    Op.StatxAll op = new Op.StatxAll(paths, 0, Statx.STATX_BASIC_STATS);
                    StatxResults all = (timeout == null ? asys.submit(op) : asys.submit(op, timeout)).get(10, TimeUnit.SECONDS);
                    assertEquals(paths.size(), all.size());
                    for (int i = 0; i < paths.size(); i++) {
                        String where = "route " + route + ", path " + paths.get(i);
                        assertEquals(expectedErrno[i], all.errno(i), where);
                        assertEquals(paths.get(i), all.file(i));
                        if (expectedErrno[i] != 0) {
                            assertNull(all.statx(i), where);
                            continue;
                        }
                        Statx one = asys.submit(new Op.Statx(paths.get(i), 0, Statx.STATX_BASIC_STATS)).get(10, TimeUnit.SECONDS);
                        Statx batched = all.get(i);
                        assertEquals(one.inode(), batched.inode(), where);
                        assertEquals(one.size(), batched.size(), where);
                        assertEquals(one.mode(), batched.mode(), where);
                        assertEquals(one.modified(), batched.modified(), where);
                    }
                    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> all.get(1));
                    assertTrue(e.getMessage().contains("ENOENT") && e.getMessage().contains("missing"), e.getMessage());
                }
            }
        }
    }

    @Test
    void anEmptyBatchAndTheConvenienceForm() throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[77]);
        try (Asys asys = Asys.open()) {
            assertEquals(0, asys.submit(new Op.StatxAll(List.of(), 0, Statx.STATX_BASIC_STATS)).get(10, TimeUnit.SECONDS).size());
            StatxResults r = asys.statx(List.of(file, file)).get(10, TimeUnit.SECONDS);
            assertEquals(77, r.get(0).size());
            assertEquals(77, r.get(1).size());
            assertTrue(r.get(0).created() != null, "the convenience form asks for the birth time too");
        }
        assertThrows(IllegalArgumentException.class, () -> new Op.StatxAll(List.of(Path.of("a\0b")), 0, 0x7ff));
    }

    /**
     * Batches cancelled at random moments while others run: each future completes exactly once,
     * with every path's result, or with paths not reached reporting ECANCELED, or as a whole with
     * ECANCELED; never anything else.
     */
    @Test
    void cancelledBatchesCompleteExactlyOnce() throws Exception {
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            paths.add(Files.write(dir.resolve("f" + i), new byte[i]));
        }
        try (Asys asys = Asys.open()) {
            List<AsysFuture<StatxResults>> all = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                AsysFuture<StatxResults> f = asys.statx(paths);
                all.add(f);
                if (ThreadLocalRandom.current().nextInt(3) == 0) {
                    asys.cancel(all.get(ThreadLocalRandom.current().nextInt(all.size())));
                }
            }
            int whole = 0;
            int partial = 0;
            for (AsysFuture<StatxResults> f : all) {
                try {
                    StatxResults r = f.get(30, TimeUnit.SECONDS);
                    boolean cut = false;
                    for (int i = 0; i < r.size(); i++) {
                        if (r.errno(i) == Errno.ECANCELED) {
                            cut = true;
                        } else {
                            assertEquals(0, r.errno(i));
                            assertTrue(!cut, "only the paths after the cancel report ECANCELED");
                            assertEquals(i, r.get(i).size());
                        }
                    }
                    partial += cut ? 1 : 0;
                } catch (ExecutionException e) {
                    assertTrue(e.getCause() instanceof ErrnoException x && x.errno() == Errno.ECANCELED, e.getCause().toString());
                    whole++;
                }
                assertEquals(1, f.deliveries(), "completed exactly once");
            }
            assertTrue(whole + partial > 0, "some batches were cancelled");
        }
    }

    /**
     * Batches submitted while asys closes, on every route: each completes once, with its results,
     * ECANCELED, or the refusal of a closed engine ({@code EngineClosedException}) — never another
     * failure. (On io_uring a batch runs on the worker engine; one routed in the microseconds
     * between close's start and the ring's own close flag used to reach the ring and fail in
     * preparation: a window this test rarely hits, closed by {@code ClosedEngine}.)
     */
    @Test
    void batchesRacingCloseEndCancelledOrRefused() throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[10]);
        List<Path> paths = List.of(file, file, file, file);
        for (String route : new String[] {null, "uring", "workers"}) {
            for (int round = 0; round < 6; round++) {
                Asys asys = open(route);
                List<CompletableFuture<StatxResults>> all = java.util.Collections.synchronizedList(new ArrayList<>());
                Thread[] submitters = new Thread[2];
                for (int t = 0; t < submitters.length; t++) {
                    submitters[t] = Thread.ofPlatform().start(() -> {
                        for (int i = 0; i < 300; i++) {
                            Op.StatxAll op = new Op.StatxAll(paths, 0, Statx.STATX_BASIC_STATS);
                            all.add(i % 2 == 0 ? asys.submit(op) : asys.submit(op, Duration.ofSeconds(10)));
                        }
                    });
                }
                Thread.sleep(ThreadLocalRandom.current().nextInt(3));
                asys.close();
                for (Thread t : submitters) {
                    t.join();
                }
                for (CompletableFuture<StatxResults> f : all) {
                    try {
                        StatxResults r = f.get(10, TimeUnit.SECONDS);
                        assertEquals(4, r.size());
                    } catch (ExecutionException e) {
                        Throwable c = e.getCause();
                        boolean expected = c instanceof io.asys.internal.engine.EngineClosedException
                                || c instanceof ErrnoException ee && ee.errno() == Errno.ECANCELED;
                        assertTrue(expected, "route " + route + ": " + c);
                    }
                }
            }
        }
    }
}
