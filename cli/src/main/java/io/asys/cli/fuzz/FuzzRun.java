package io.asys.cli.fuzz;

import io.asys.Asys;
import io.asys.AsysFuture;
import io.asys.Chain;
import io.asys.Errno;
import io.asys.FileDescriptors;
import io.asys.FileHandle;
import io.asys.Op;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One fuzz run on one engine: rounds of random operations, one action per lane and round, all
 * submitted before any is awaited; then each outcome is checked against the oracle on the
 * lane's mirror, each future for exactly one delivery, each buffer for untouched guards.
 * Driven from one thread; the random choices depend on the seed only (timing decides races).
 */
final class FuzzRun {
    static final int LANES = 8;
    /** Bytes of each lane's registered buffer for fixed reads and writes. */
    static final long FIXED_SIZE = 128 * 1024;
    private static final long ROUND_BOUND_SECONDS = 30;
    private static final long CLOSE_BOUND_MILLIS = 20_000;

    /** A submitted step: its future (null if refused at construction) and its callback count. */
    private record Sub(Lane lane, Step step, AsysFuture<?> future, Counted callbacks, List<Step> chain) {
    }

    /** A completion callback's count, and a future completed by that callback (after counting). */
    private record Counted(AtomicInteger count, CompletableFuture<Void> seen) {
    }

    private final String engine;
    private final long seed;
    private final long maxOps;
    private final long deadline;
    private final int closeEvery;
    private final Path parent;
    private final FuzzReport report;
    private final Random rnd;
    private final StepGen gen;
    private final ArrayDeque<List<Step>> quarantine = new ArrayDeque<>();
    private final List<AsysFuture<?>> late = new ArrayList<>();
    private final int compareEvery = Integer.getInteger("asys.fuzz.compareEvery", 16);
    private Asys asys;
    private Oracle oracle;
    private Lane[] lanes;

    FuzzRun(String engine, long seed, long maxOps, double seconds, int closeEvery, int cancelPercent, Path parent) {
        this.engine = engine;
        this.seed = seed;
        this.maxOps = maxOps;
        this.deadline = seconds > 0 ? System.nanoTime() + (long) (seconds * 1e9) : Long.MAX_VALUE;
        this.closeEvery = closeEvery;
        this.parent = parent;
        this.report = new FuzzReport(engine, seed);
        this.rnd = new Random(seed);
        this.gen = new StepGen(rnd, cancelPercent);
    }

    FuzzReport run() throws IOException {
        long start = System.nanoTime();
        Path root = Files.createTempDirectory(parent, "asys-fuzz-");
        try (Oracle o = new Oracle()) {
            oracle = o;
            asys = Asys.open(engine);
            io.asys.uring.FixedBuffers fixed = asys.registerBuffers(LANES, FIXED_SIZE);
            lanes = new Lane[LANES];
            for (int i = 0; i < LANES; i++) {
                lanes[i] = new Lane(i, root.resolve("test"), root.resolve("oracle"));
                lanes[i].fixed = fixed;
                lanes[i].create(asys, oracle, rnd);
            }
            while (report.ops < maxOps && System.nanoTime() < deadline && report.failures.isEmpty()) {
                if (!round()) {
                    break;
                }
            }
            finish();
        } finally {
            report.seconds = (System.nanoTime() - start) / 1e9;
            deleteTree(root);
        }
        return report;
    }

    /** One round; false when the run must stop (something hung). */
    private boolean round() throws IOException {
        long round = ++report.rounds;
        List<Sub> subs = new ArrayList<>();
        for (Lane lane : lanes) {
            int roll = rnd.nextInt(100);
            if (roll < 3) {
                reopen(lane, round);
            } else if (roll < 4 && lane.handle != null && !lane.handleClosed) {
                lane.closeButKeep(asys, oracle);
                lane.record(round, "close, keep handle");
            } else if (roll < 16) {
                submitChain(lane, subs);
            } else {
                submitOne(lane, gen.next(lane), subs);
            }
        }
        if (rnd.nextInt(10) == 0) {
            hostileRawCall(round);
        }
        for (Sub s : subs) {
            if (s.future != null && s.step.cancel == 1) {
                asys.cancel(s.future);
            } else if (s.future != null && s.step.cancel == 2) {
                s.future.cancel(true);
                late.add(s.future);
            }
        }
        boolean closed = closeEvery > 0 && rnd.nextInt(closeEvery) == 0;
        if (closed) {
            closeAsys(round, subs);
        }
        if (!await(round, subs)) {
            return false;
        }
        check(round, subs, closed);
        if (closed) {
            asys = Asys.open(engine);
            io.asys.uring.FixedBuffers fixed = asys.registerBuffers(LANES, FIXED_SIZE);
            for (Lane lane : lanes) {
                lane.fixed = fixed;
                lane.closeHandles(asys, oracle);
                lane.create(asys, oracle, rnd);
            }
            report.laneResets += LANES;
        }
        recheckBuffers(subs);
        if (round % compareEvery == 0) {
            for (Lane lane : lanes) {
                String d = lane.compare();
                if (d != null) {
                    report.fail(round, "lanes apart after matching outcomes: " + d);
                    System.err.println("fuzz: " + lane.history());
                }
            }
        }
        return true;
    }

    private void reopen(Lane lane, long round) {
        String name = rnd.nextInt(4) == 0 ? Lane.NAMES[rnd.nextInt(Lane.NAMES.length)] : "f";
        int flags = switch (rnd.nextInt(6)) {
            case 0 -> FileDescriptors.O_RDONLY;
            case 1 -> FileDescriptors.O_WRONLY;
            case 2 -> FileDescriptors.O_RDWR | FileDescriptors.O_DIRECT;
            case 3 -> FileDescriptors.O_RDWR | FileDescriptors.O_APPEND;
            default -> FileDescriptors.O_RDWR;
        };
        long[] r = lane.reopen(asys, oracle, name, flags, 0644);
        report.ops++;
        lane.record(round, "reopen '" + name + "' 0" + Integer.toOctalString(flags) + " = " + Outcome.describe(r[0]) + "/"
                + Outcome.describe(r[1]) + " -> " + lane.handle);
        if (r[0] != r[1]) {
            report.fail(round, "lane " + lane.index + " open('" + name + "', 0" + Integer.toOctalString(flags)
                    + "): asys " + Outcome.describe(r[0]) + ", oracle " + Outcome.describe(r[1]));
        }
    }

    private void submitOne(Lane lane, Step step, List<Sub> subs) {
        report.ops++;
        Op<?> op;
        try {
            op = step.build(lane);
        } catch (RuntimeException e) {
            step.sutOutcome = Outcome.of(null, e);
            subs.add(new Sub(lane, step, null, null, null));
            return;
        }
        if (step.cancel != 0) {
            report.cancels++;
        }
        if (step.timeout != null) {
            report.timeouts++;
        }
        AsysFuture<?> f = step.timeout != null ? asys.submit(op, step.timeout) : asys.submit(op);
        subs.add(new Sub(lane, step, f, counted(f), null));
    }

    private void submitChain(Lane lane, List<Sub> subs) {
        int n = 2 + rnd.nextInt(3);
        List<Step> steps = new ArrayList<>();
        List<Op<?>> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Step s = gen.chainStep(lane);
            try {
                ops.add(s.build(lane));
                steps.add(s);
            } catch (RuntimeException e) {
                // Refused at construction: never part of the chain (checked as a single step elsewhere).
            }
        }
        if (steps.isEmpty()) {
            return;
        }
        report.chains++;
        report.ops += steps.size();
        Chain c = asys.chain();
        List<AsysFuture<?>> futures = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            futures.add(c.then(ops.get(i)));
            if (steps.get(i).hardLink) {
                c.hardLink();
            }
        }
        c.submit();
        for (int i = 0; i < steps.size(); i++) {
            subs.add(new Sub(lane, steps.get(i), futures.get(i), counted(futures.get(i)), i == 0 ? steps : null));
        }
    }

    private static Counted counted(CompletableFuture<?> f) {
        Counted c = new Counted(new AtomicInteger(), new CompletableFuture<>());
        f.whenComplete((v, t) -> {
            c.count().incrementAndGet();
            c.seen().complete(null);
        });
        return c;
    }

    private void hostileRawCall(long round) {
        report.ops++;
        long nr = switch (rnd.nextInt(6)) {
            case 0 -> -1 - rnd.nextInt(1 << 20);
            case 1 -> 0x4000_0000L | rnd.nextInt(600);
            case 2 -> 1000 + rnd.nextInt(1 << 20);
            case 3 -> (1L << 32) | SyscallNames.allowed(rnd);
            case 4 -> rnd.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE;
            default -> SyscallNames.denied(rnd);
        };
        if (io.asys.SyscallPolicy.refusal(nr) == null) {
            report.fail(round, "hostile system call number " + nr + " passes the whitelist");
            return;
        }
        CompletableFuture<Long> f = asys.syscall(io.asys.RawCall.of(nr));
        if (!f.isCompletedExceptionally() || Outcome.of(null, f.exceptionNow()) != Outcome.UNSUPPORTED) {
            report.fail(round, "hostile system call number " + nr + " not refused at once");
        }
        report.refused++;
    }

    private void closeAsys(long round, List<Sub> subs) {
        report.asysCloses++;
        long t0 = System.nanoTime();
        asys.close();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        report.maxCloseMillis = Math.max(report.maxCloseMillis, ms);
        if (ms > CLOSE_BOUND_MILLIS) {
            report.fail(round, "Asys.close took " + ms + " ms");
        }
        for (Sub s : subs) {
            if (s.future != null && !s.future.isDone()) {
                report.fail(round, "lane " + s.lane.index + " " + s.step + " still pending after Asys.close returned");
            }
        }
        for (AsysFuture<?> f : late) {
            if (f.deliveries() != 1) {
                report.fail(round, "a cancelled future had " + f.deliveries() + " deliveries after Asys.close");
            }
        }
        late.clear();
    }

    private boolean await(long round, List<Sub> subs) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(ROUND_BOUND_SECONDS);
        for (Sub s : subs) {
            if (s.future == null) {
                continue;
            }
            try {
                s.callbacks.seen().get(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                report.fail(round, "lane " + s.lane.index + " " + s.step + " not completed within " + ROUND_BOUND_SECONDS + " s");
                return false;
            } catch (Exception e) {
                report.fail(round, "waiting: " + e);
                return false;
            }
        }
        return true;
    }

    private void check(long round, List<Sub> subs, boolean closed) throws IOException {
        for (Sub s : subs) {
            if (s.future != null) {
                Object value = null;
                Throwable t = null;
                switch (s.future.state()) {
                    case SUCCESS -> value = s.future.resultNow();
                    case FAILED -> t = s.future.exceptionNow();
                    default -> t = new java.util.concurrent.CancellationException();
                }
                s.step.sutValue = value;
                s.step.sutOutcome = s.step.outcomeOf(value, t);
                if (value instanceof FileHandle h) {
                    asys.close(h);
                }
                if (s.callbacks.count().get() != 1 || s.future.deliveries() > 1 || s.step.cancel != 2 && s.future.deliveries() != 1) {
                    report.fail(round, "lane " + s.lane.index + " " + s.step + ": " + s.callbacks.count().get() + " callbacks, "
                            + s.future.deliveries() + " deliveries");
                }
            }
        }
        for (Sub s : subs) {
            if (s.chain != null) {
                ChainOracle.run(s.chain, s.lane, oracle);
            } else if (s.future == null || !isChainStep(s, subs)) {
                s.step.oraOutcome = s.step.oracle(s.lane, oracle);
            }
        }
        boolean[] taint = new boolean[LANES];
        for (Sub s : subs) {
            Step st = s.step;
            s.lane.record(round, (s.chain != null || isChainStep(s, subs) ? "chain step " : "") + st
                    + (st.hardLink ? " +hardlink" : "") + " = " + Outcome.describe(st.sutOutcome) + "/"
                    + Outcome.describe(st.oraOutcome));
            count(st.sutOutcome);
            if (st.writesFile() && st.direct && (st.sutOutcome < 0 || st.oraOutcome < 0)
                    && st.sutOutcome >= -4095) {
                // A failed O_DIRECT write may have written part of its data (ext4 submits it extent by
                // extent and fails at the first misaligned one), and how much depends on each file's
                // extent layout, which writeback timing decides: the two sides may differ from here.
                report.directWriteUnknown++;
                taint[s.lane.index] = true;
            }
            if (st.sutOutcome == st.oraOutcome) {
                String d = st.compareData();
                if (d != null) {
                    report.fail(round, "lane " + s.lane.index + " " + st + ": " + d);
                    System.err.println("fuzz: " + s.lane.history());
                }
                continue;
            }
            if (errnoOrder(st)) {
                report.errnoOrder++;
                taint[s.lane.index] = true;
                continue;
            }
            boolean allowed = st.cancel == 1 && st.sutOutcome == -Errno.ECANCELED
                    || st.cancel == 2 && st.sutOutcome == Outcome.JDK_CANCELLED
                    || st.timeout != null && st.sutOutcome == Outcome.TIMEOUT
                    || closed && (st.sutOutcome == -Errno.ECANCELED || st.sutOutcome == Outcome.CLOSED)
                    // A read or write stopped by its cancel or timeout may have done part of its work.
                    || (st.cancel != 0 || st.timeout != null || closed)
                    && (st.readsFile() || st.writesFile())
                    && st.sutOutcome >= 0 && st.sutOutcome < st.oraOutcome;
            if (!closed && st.timeout != null && st.cancel == 0 && st.sutOutcome == -Errno.ECANCELED) {
                // Once allowed on io_uring (the kernel's -ENOENT for a link timeout that fired on running
                // io-wq work was not read as "timed out"); now a failure, still counted under its own name.
                report.timeoutAsCancelled++;
            }
            if (!allowed && declaredDifference(st)) {
                report.declaredDifferences++;
                allowed = true;
            }
            if (allowed) {
                taint[s.lane.index] = true;
            } else {
                report.fail(round, "lane " + s.lane.index + " " + st + ": asys " + Outcome.describe(st.sutOutcome)
                        + ", oracle " + Outcome.describe(st.oraOutcome) + chainOf(st, subs));
                System.err.println("fuzz: " + s.lane.history());
            }
        }
        if (!closed) {
            for (int i = 0; i < LANES; i++) {
                if (taint[i]) {
                    report.laneResets++;
                    lanes[i].closeHandles(asys, oracle);
                    lanes[i].create(asys, oracle, rnd);
                }
            }
        }
    }

    /**
     * io_uring copies paths when it prepares an entry, so a path too long or empty fails there
     * (ENAMETOOLONG, ENOENT) before the kernel checks flags that the system call checks first:
     * with such a path, two different errnos are both right. The worker engine gets no such pass.
     */
    private boolean errnoOrder(Step st) {
        boolean badPath = Stream.of(st.p1, st.p2).anyMatch(p -> p.isEmpty() || p.length() > 255)
                // io_uring checks the file's mode (EBADF) before the offset; pwritev2 the offset first.
                || (st.readsFile() || st.writesFile()) && st.offset < -1;
        // On a file without read_iter (a directory) io_uring reads through ->read and says EISDIR; preadv2
        // and pwritev2 refuse any RWF flag other than HIPRI there first, with EOPNOTSUPP.
        boolean flagsOnDirectory = (st.kind == Step.Kind.READV || st.kind == Step.Kind.WRITEV) && st.rwFlags != 0
                && st.oraOutcome == -Errno.EOPNOTSUPP;
        if ("uring".equals(engine) && flagsOnDirectory && (st.sutOutcome == -Errno.EISDIR || st.sutOutcome == -Errno.EINVAL)) {
            return true;
        }
        return "uring".equals(engine) && badPath && st.sutOutcome < 0 && st.sutOutcome >= -4095
                && st.oraOutcome < 0 && st.oraOutcome >= -4095
                && (st.sutOutcome == -Errno.ENAMETOOLONG || st.sutOutcome == -Errno.ENOENT || st.sutOutcome == -Errno.EBADF);
    }

    /**
     * A difference between io_uring and the system call that docs/workers.md declares: an O_DIRECT
     * fixed read or write at a buffer offset off the logical block size is EINVAL on io_uring (the
     * kernel checks each page segment of a registered buffer), where a plain call runs.
     */
    private boolean declaredDifference(Step st) {
        boolean fixed = st.kind == Step.Kind.READ_FIXED || st.kind == Step.Kind.WRITE_FIXED;
        return "uring".equals(engine) && fixed && st.direct && st.fixedOffset % 512 != 0
                && st.sutOutcome == -Errno.EINVAL && st.oraOutcome >= 0;
    }

    private static String chainOf(Step st, List<Sub> subs) {
        for (Sub c : subs) {
            if (c.chain != null && c.chain.contains(st)) {
                return " in chain " + c.chain.stream().map(x -> x + (x.hardLink ? "+hardlink" : "") + "="
                        + Outcome.describe(x.sutOutcome) + "/" + Outcome.describe(x.oraOutcome)).toList();
            }
        }
        return "";
    }

    private static boolean isChainStep(Sub s, List<Sub> subs) {
        for (Sub c : subs) {
            if (c.chain != null && c.chain.contains(s.step)) {
                return true;
            }
        }
        return false;
    }

    private void count(long outcome) {
        if (outcome == Outcome.REFUSED) {
            report.refused++;
        } else if (outcome == -Errno.ECANCELED || outcome == Outcome.TIMEOUT || outcome == Outcome.JDK_CANCELLED
                || outcome == Outcome.CLOSED) {
            report.cancelledResults++;
        } else if (outcome < 0) {
            report.errnoResults++;
        }
    }

    /** Guards and "nothing past n" now; the same buffers re-checked three rounds later. */
    private void recheckBuffers(List<Sub> subs) {
        List<Step> now = new ArrayList<>();
        for (Sub s : subs) {
            Step st = s.step;
            if (st.sutBuf == null || st.bufKind != Step.NATIVE || st.cancel == 2) {
                continue;
            }
            boolean read = st.kind == Step.Kind.READ || st.kind == Step.Kind.READV || st.kind == Step.Kind.GETXATTR;
            long n = st.sutOutcome >= 0 ? st.sutOutcome : st.sutOutcome >= -4095 && st.sutOutcome != -Errno.ECANCELED ? 0 : -1;
            if (read && st.direct) {
                // An O_DIRECT read that meets EOF may have filled its whole buffer (the device read
                // whole blocks): only the guards around the buffer are checked.
                n = st.sutBuf.size();
            }
            String d = st.sutBuf.checkAfter(n, read);
            if (d != null) {
                report.fail(report.rounds, "lane " + s.lane.index + " " + st + ": " + d);
            }
            now.add(st);
        }
        quarantine.add(now);
        if (quarantine.size() > 3) {
            recheck(quarantine.poll());
        }
    }

    private void recheck(List<Step> steps) {
        for (Step st : steps) {
            String d = st.sutBuf.recheck();
            if (d != null) {
                report.fail(report.rounds, st + ": " + d);
            }
        }
    }

    private void finish() {
        asys.close();
        for (AsysFuture<?> f : late) {
            if (f.deliveries() != 1) {
                report.fail(report.rounds, "a cancelled future had " + f.deliveries() + " deliveries after Asys.close");
            }
        }
        while (!quarantine.isEmpty()) {
            recheck(quarantine.poll());
        }
        for (Lane lane : lanes) {
            lane.closeHandles(asys, oracle);
        }
    }

    static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a temp directory
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
