package io.asys.cli.bench;

import io.asys.uring.CompletionHandler;
import io.asys.uring.IoUring;
import io.asys.uring.IoUringConfig;
import io.asys.uring.Sqe;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The metadata ops through io_uring, {@code qd} file operations in progress per thread,
 * {@code batch} prepared entries per submit:
 * <ul>
 * <li>statx: one {@code IORING_OP_STATX} per file (AT_FDCWD, absolute path, STATX_BASIC_STATS);
 * <li>openclose: {@code IORING_OP_OPENAT(O_RDONLY)}, and once it completes, {@code IORING_OP_CLOSE}
 *     of the fd it returned;
 * <li>mkdir-unlink: {@code IORING_OP_MKDIRAT} of a scratch name under {@code d<i>}, and once it
 *     completes, {@code IORING_OP_UNLINKAT(AT_REMOVEDIR)} of it.
 * </ul>
 * One op is one file operation: a statx, an open+close pair, a mkdir+unlink pair. Its latency runs
 * from the submission of its first call to the completion of its last. Every path is a native
 * string built once, before the run, in one shared arena, so the loop itself allocates nothing.
 */
public final class UringMetaWorkload implements Workload {
    static final int AT_FDCWD = -100;
    static final int AT_REMOVEDIR = 0x200;
    static final int O_RDONLY_CLOEXEC = 02000000;
    static final int STATX_BASIC_STATS = 0x7ff;
    static final int STATX_SIZE = 256;
    static final int MKDIR_MODE = 0755;

    private Arena arena;
    /** The tree's files, index k = file k. */
    private MemorySegment[] files;
    /** mkdir-unlink scratch names, index ((thread * qd) + slot) * DIRS + dir. */
    private MemorySegment[] scratch;

    @Override
    public void prepare(BenchSpec spec) throws Exception {
        arena = Arena.ofShared();
        if (spec.op().equals("mkdir-unlink")) {
            MetaTree.removeScratch(spec.dir(), spec.threads(), spec.qd());
            String[] names = new String[spec.threads() * spec.qd() * MetaTree.DIRS];
            for (int t = 0; t < spec.threads(); t++) {
                for (int s = 0; s < spec.qd(); s++) {
                    for (int d = 0; d < MetaTree.DIRS; d++) {
                        names[(t * spec.qd() + s) * MetaTree.DIRS + d] = MetaTree.scratch(spec.dir(), d, t, s);
                    }
                }
            }
            scratch = cStrings(arena, names);
        } else {
            String[] names = new String[spec.files()];
            for (int k = 0; k < names.length; k++) {
                names[k] = MetaTree.file(spec.dir(), spec.files(), k);
            }
            files = cStrings(arena, names);
        }
    }

    /** NUL-terminated copies of {@code strings}, packed into one native block, as slices of it. */
    static MemorySegment[] cStrings(Arena arena, String[] strings) {
        byte[][] bytes = new byte[strings.length][];
        long total = 0;
        for (int i = 0; i < strings.length; i++) {
            bytes[i] = strings[i].getBytes(StandardCharsets.UTF_8);
            total += bytes[i].length + 1;
        }
        MemorySegment block = arena.allocate(Math.max(1, total), 8);
        MemorySegment[] out = new MemorySegment[strings.length];
        long at = 0;
        for (int i = 0; i < strings.length; i++) {
            int n = bytes[i].length;
            MemorySegment.copy(bytes[i], 0, block, ValueLayout.JAVA_BYTE, at, n);
            block.set(ValueLayout.JAVA_BYTE, at + n, (byte) 0);
            out[i] = block.asSlice(at, n + 1);
            at += n + 1;
        }
        return out;
    }

    @Override
    public void release() {
        if (arena != null) {
            arena.close();
            arena = null;
        }
    }

    @Override
    public ThreadResult run(BenchSpec spec, int threadIndex, Progress progress) throws Exception {
        int qd = spec.qd();
        ThreadResult result = new ThreadResult();
        IoUringConfig config = IoUringConfig.defaults().withEntries(Math.max(qd, 8)).withMaxInFlight(qd);
        try (IoUring ring = IoUring.open(config); Arena local = Arena.ofConfined()) {
            result.detail = String.format("setup_flags=0x%x ring_fd_registered=%s", ring.setupFlags(),
                    ring.ringFdRegistered());
            new Loop(spec, ring, result, threadIndex, local).run(progress);
        }
        return result;
    }

    /** The submit/reap loop of one thread; fields instead of locals so the handler allocates nothing. */
    private final class Loop implements CompletionHandler {
        private static final int STATX = 0;
        private static final int OPENCLOSE = 1;
        private static final int MKDIR_UNLINK = 2;

        private final BenchSpec spec;
        private final IoUring ring;
        private final ThreadResult result;
        private final int threadIndex;
        private final int kind;
        /** Per context (a file operation in progress, 0..qd-1): when its first call was prepared. */
        private final long[] startNanos;
        /** Per context: 0 while its first call is in flight, 1 while its second is. */
        private final int[] stage;
        /** Per context: the fd that openat returned, or the scratch-name index of its mkdir. */
        private final int[] arg;
        /** Per context: its statx buffer. */
        private final MemorySegment[] statxBuffers;
        /** Ring slot of an in-flight call -> its context. */
        private final int[] slotContext;
        private final int[] freeContexts;
        private int freeCount;
        /** Contexts whose first call completed and whose second call is still to be prepared. */
        private final int[] pending;
        private int pendingCount;
        private final int from;
        private final int to;
        private int nextFile;
        private int nextDir;
        private long reapNanos;

        Loop(BenchSpec spec, IoUring ring, ThreadResult result, int threadIndex, Arena local) {
            this.spec = spec;
            this.ring = ring;
            this.result = result;
            this.threadIndex = threadIndex;
            this.kind = switch (spec.op()) {
                case "statx" -> STATX;
                case "openclose" -> OPENCLOSE;
                default -> MKDIR_UNLINK;
            };
            int qd = spec.qd();
            this.startNanos = new long[qd];
            this.stage = new int[qd];
            this.arg = new int[qd];
            this.statxBuffers = new MemorySegment[qd];
            if (kind == STATX) {
                for (int c = 0; c < qd; c++) {
                    statxBuffers[c] = local.allocate(STATX_SIZE, 8);
                }
            }
            this.slotContext = new int[ring.maxInFlight()];
            this.freeContexts = new int[qd];
            for (int c = 0; c < qd; c++) {
                freeContexts[c] = qd - 1 - c;
            }
            this.freeCount = qd;
            this.pending = new int[qd];
            this.from = spec.filesFrom(threadIndex);
            this.to = spec.filesTo(threadIndex);
            this.nextFile = from;
            this.nextDir = threadIndex * MetaTree.DIRS / spec.threads();
        }

        void run(Progress progress) {
            int qd = spec.qd();
            int batch = spec.batch();
            long limit = spec.opsPerThread();
            long start = System.nanoTime();
            long deadline = start + Math.min(spec.durationNanos(), Long.MAX_VALUE - start);
            long issued = 0;
            long now = start;
            while (true) {
                int prepared = 0;
                // Second calls first: they finish file operations already counted as issued.
                while (pendingCount > 0) {
                    Sqe sqe = ring.getSqe();
                    if (sqe == null) {
                        EnterResults.check(ring.submit());
                        prepared = 0;
                        sqe = ring.getSqe();
                        if (sqe == null) {
                            throw new IllegalStateException("no submission entry for a second call");
                        }
                    }
                    int c = pending[--pendingCount];
                    if (kind == OPENCLOSE) {
                        sqe.prepClose(arg[c]);
                    } else {
                        sqe.prepUnlinkat(AT_FDCWD, scratch[arg[c]], AT_REMOVEDIR);
                    }
                    stage[c] = 1;
                    slotContext[IoUring.slotIndex(sqe.userData())] = c;
                    if (++prepared == batch) {
                        EnterResults.check(ring.submit());
                        prepared = 0;
                    }
                }
                while (freeCount > 0 && now < deadline && issued < limit) {
                    Sqe sqe = ring.getSqe();
                    if (sqe == null) {
                        break;
                    }
                    int c = freeContexts[--freeCount];
                    switch (kind) {
                        case STATX -> sqe.prepStatx(AT_FDCWD, files[nextFile()], 0, STATX_BASIC_STATS,
                                statxBuffers[c]);
                        case OPENCLOSE -> sqe.prepOpenat(AT_FDCWD, files[nextFile()], O_RDONLY_CLOEXEC, 0);
                        default -> {
                            int name = (threadIndex * qd + c) * MetaTree.DIRS + nextDir();
                            arg[c] = name;
                            sqe.prepMkdirat(AT_FDCWD, scratch[name], MKDIR_MODE);
                        }
                    }
                    stage[c] = 0;
                    startNanos[c] = now;
                    slotContext[IoUring.slotIndex(sqe.userData())] = c;
                    issued++;
                    if (++prepared == batch) {
                        EnterResults.check(ring.submit());
                        prepared = 0;
                    }
                }
                if (freeCount == qd) {
                    break;
                }
                EnterResults.check(ring.submitAndWait(1));
                now = System.nanoTime();
                reapNanos = now;
                ring.reap(this);
                progress.update(threadIndex, result.ops);
            }
            result.elapsedNanos = now - start;
            result.flushLatency();
        }

        private int nextFile() {
            int k = nextFile;
            nextFile = k + 1 == to ? from : k + 1;
            return k;
        }

        private int nextDir() {
            int d = nextDir;
            nextDir = d + 1 == MetaTree.DIRS ? 0 : d + 1;
            return d;
        }

        @Override
        public void onCompletion(long userData, int res, int flags) {
            int c = slotContext[IoUring.slotIndex(userData)];
            if (kind != STATX && stage[c] == 0 && res >= 0) {
                if (kind == OPENCLOSE) {
                    arg[c] = res;
                }
                pending[pendingCount++] = c;
                return;
            }
            // The file operation is over: a statx, a second call, or a first call that failed.
            result.ops++;
            if (res < 0) {
                result.recordError(res);
            }
            result.recordLatency(reapNanos - startNanos[c]);
            freeContexts[freeCount++] = c;
        }
    }
}
