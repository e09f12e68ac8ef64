package io.asys.cli.fuzz;

import io.asys.Op;
import io.asys.Statx;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Random;

/** Chooses random steps, hostile arguments included, from one seeded random source. */
final class StepGen {
    private static final String LONG_PATH = "p/".repeat(2100) + "x";
    private static final String LONG_NAME = "n".repeat(300);
    private static final int[] OPEN_FLAGS = {
        0, 1, 2, 3, 0100, 0200, 01000, 02000, 040000, 0200000, 0400000, 010000000, 020200000, 04010000,
    };
    /** Level and option pairs: SO_RCVLOWAT, SO_KEEPALIVE, TCP_NODELAY, and a level no socket has. */
    private static final int[][] SOCKET_OPTIONS = {{1, 18}, {1, 9}, {6, 1}, {0x7fff, 1}};
    private static final long[] HOSTILE_OFFSETS = {-1, -2, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 62, 1L << 44, (1L << 43) + 7};

    private final Random rnd;
    private final int cancelPercent;

    StepGen(Random rnd, int cancelPercent) {
        this.rnd = rnd;
        this.cancelPercent = cancelPercent;
    }

    /** A random step for {@code lane}; operations on its file only when it has one. */
    Step next(Lane lane) {
        Step.Kind[] kinds = Step.Kind.values();
        Step.Kind k;
        do {
            k = kinds[rnd.nextInt(kinds.length)];
        } while (lane.handle == null && new Step(k).usesHandle());
        Step s = new Step(k);
        fill(s, lane);
        int roll = rnd.nextInt(100);
        if (roll < cancelPercent) {
            // A fixed buffer is the lane's for the whole run: a JDK cancel would leave the kernel
            // writing into it while later rounds use it, so those are cancelled through asys only.
            boolean fixed = k == Step.Kind.READ_FIXED || k == Step.Kind.WRITE_FIXED;
            s.cancel = rnd.nextInt(4) == 0 && !fixed ? 2 : 1;
        } else if (roll < 2 * cancelPercent) {
            s.timeout = Duration.ofNanos(rnd.nextInt(3) == 0 ? 1 : rnd.nextInt(2_000_000));
        }
        return s;
    }

    /** A step that may be part of a chain (a short read or write breaks the link: ChainOracle models it). */
    Step chainStep(Lane lane) {
        Step.Kind[] kinds = {Step.Kind.MKDIR, Step.Kind.UNLINK, Step.Kind.RENAME, Step.Kind.SYMLINK, Step.Kind.LINK,
            Step.Kind.STATX, Step.Kind.NOP, Step.Kind.FSYNC, Step.Kind.FTRUNCATE, Step.Kind.WRITE, Step.Kind.OPEN,
            Step.Kind.READ, Step.Kind.READV, Step.Kind.WRITEV};
        Step.Kind k;
        do {
            k = kinds[rnd.nextInt(kinds.length)];
        } while (lane.handle == null && new Step(k).usesHandle());
        Step s = new Step(k);
        fill(s, lane);
        // Hostile names and flags too: a step io_uring refuses while preparing goes alone (Links),
        // so a chain behaves as the calls run one after the other on both engines.
        s.hardLink = rnd.nextInt(5) == 0;
        return s;
    }

    private void fill(Step s, Lane lane) {
        s.p1 = name();
        s.p2 = name();
        boolean direct = lane.handle != null && lane.handle.isDirectIo();
        switch (s.kind) {
            case SLEEP -> s.sleep = Duration.ofNanos(rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(1_000_000));
            case READ, WRITE -> {
                s.length = length(direct);
                s.offset = offset(direct);
                buffers(s, direct);
            }
            case READV, WRITEV -> {
                s.length = length(direct);
                s.offset = offset(direct);
                s.pieces = 1 + rnd.nextInt(3);
                // No RWF_NOWAIT or HIPRI: their answers depend on cache and device state that the two sides need not share.
                s.rwFlags = (int) pick(0, 0, 0, 2, 4, s.kind == Step.Kind.WRITEV ? 0x10 : 0);
                buffers(s, direct);
            }
            case READ_FIXED, WRITE_FIXED -> {
                s.fixed = lane.fixed;
                s.length = length(direct);
                s.offset = offset(direct);
                int r = rnd.nextInt(20);
                s.fixedIndex = r == 0 ? (int) pick(-1, Integer.MIN_VALUE, FuzzRun.LANES, 1 << 20) : lane.index;
                s.fixedOffset = r == 1 ? pick(-1, -4096, Long.MIN_VALUE, FuzzRun.FIXED_SIZE, FuzzRun.FIXED_SIZE - 1, 1L << 40)
                        : direct && rnd.nextBoolean() ? 512L * rnd.nextInt(8) : rnd.nextInt(4096);
                byte[] content = new byte[(int) s.length];
                rnd.nextBytes(content);
                // The oracle's buffer has the fixed range's alignment: O_DIRECT accepts or refuses both alike.
                long guard = 4096 + Math.floorMod(s.fixedOffset, 4096);
                s.oraBuf = new Guarded(s.length, guard, s.kind == Step.Kind.WRITE_FIXED ? content : null);
            }
            case SYNC_FILE_RANGE -> {
                s.offset = rnd.nextInt(8) == 0 ? pick(-1, -4096, Long.MAX_VALUE) : rnd.nextInt(60_000);
                s.length = rnd.nextInt(8) == 0 ? pick(-1, 0) : rnd.nextInt(1 << 20);
                s.flags = (int) pick(0, 1, 2, 4, 7, 3, 8);
            }
            case FTRUNCATE -> s.length = rnd.nextInt(8) == 0 ? pick(-1, -4096, 1L << 44, 1L << 50) : rnd.nextInt(40_000);
            case FALLOCATE -> {
                s.mode = (int) pick(0, 0, 1, 3, 0x10, 0x20, 0x40, 0xff);
                s.offset = rnd.nextInt(8) == 0 ? pick(-1, 1L << 44) : rnd.nextInt(60_000);
                s.length = rnd.nextInt(8) == 0 ? pick(0, -1, -4096) : 1 + rnd.nextInt(1 << 20);
            }
            case FADVISE -> {
                s.mode = rnd.nextInt(8);
                s.offset = rnd.nextInt(8) == 0 ? -1 : rnd.nextInt(40_000);
                s.length = rnd.nextInt(8) == 0 ? -1 : rnd.nextInt(40_000);
            }
            case STATX, STATX_ALL -> {
                s.flags = (int) pick(0, 0, Op.AT_SYMLINK_NOFOLLOW, Op.AT_EMPTY_PATH, 0x6000, 0x7fff_0000);
                s.mode = (int) pick(Statx.STATX_BASIC_STATS, Statx.STATX_ALL, 0, 0x8000_0000L);
            }
            case MKDIR -> s.mode = rnd.nextInt(010000);
            case UNLINK -> s.flags = (int) pick(0, 0, Op.AT_REMOVEDIR, Op.AT_REMOVEDIR, 0x1, 0xffff);
            case RENAME -> s.flags = (int) pick(0, 0, 0, Op.RENAME_NOREPLACE, Op.RENAME_EXCHANGE, 3, 8, 0x100);
            case LINK -> s.flags = (int) pick(0, 0, 0x400, 0x1000, 0x1);
            case OPEN -> {
                s.flags = OPEN_FLAGS[rnd.nextInt(OPEN_FLAGS.length)] | OPEN_FLAGS[rnd.nextInt(OPEN_FLAGS.length)];
                s.mode = rnd.nextInt(01000);
            }
            case GETXATTR, SETXATTR -> {
                s.xattr = pickOf("user.fuzz", "user.fuzz", "user.other", "trusted.x", "bad", "", "user." + LONG_NAME,
                        "user.a\0b");
                s.flags = (int) pick(0, 0, 1, 2, 3, 0x40);
                s.length = rnd.nextInt(8) == 0 ? 70_000 : rnd.nextInt(64);
                buffers(s, false);
            }
            case SETSOCKOPT -> {
                int[] lo = SOCKET_OPTIONS[rnd.nextInt(SOCKET_OPTIONS.length)];
                s.sockLevel = lo[0];
                s.sockOption = lo[1];
                s.sockValue = (int) pick(0, 1, -1, Integer.MAX_VALUE, rnd.nextInt(1 << 16));
                s.length = rnd.nextInt(10) == 0 ? pick(0, 1, 8) : 4;
                buffers(s, false);
                if (s.length >= 4) {
                    s.sutBuf.buffer.set(ValueLayout.JAVA_INT_UNALIGNED, 0, s.sockValue);
                    s.oraBuf.buffer.set(ValueLayout.JAVA_INT_UNALIGNED, 0, s.sockValue);
                }
            }
            case CLOSE_BAD_FD -> s.offset = pick(-1, -100, Integer.MIN_VALUE, Integer.MAX_VALUE, 1 << 24, (1 << 24) + 77);
            default -> {
            }
        }
    }

    private void buffers(Step s, boolean direct) {
        int roll = rnd.nextInt(40);
        s.bufKind = roll == 0 ? Step.HEAP : roll == 1 ? Step.READ_ONLY : roll == 2 ? Step.CLOSED : Step.NATIVE;
        // The guard sets the alignment: page-aligned for O_DIRECT now and then, else odd.
        long guard = direct && rnd.nextBoolean() ? 4096 : pick(64, 4096, 8 + rnd.nextInt(4000));
        byte[] content = new byte[(int) s.length];
        rnd.nextBytes(content);
        boolean write = s.kind == Step.Kind.WRITE || s.kind == Step.Kind.WRITEV || s.kind == Step.Kind.SETXATTR;
        s.sutBuf = new Guarded(s.length, guard, write ? content : null);
        s.oraBuf = new Guarded(s.length, guard, write ? content : null);
    }

    private long length(boolean direct) {
        int roll = rnd.nextInt(10);
        if (roll == 0) {
            return 0;
        }
        if (direct && roll < 6) {
            return 512L * (1 + rnd.nextInt(16));
        }
        return roll == 9 ? 65_536 + rnd.nextInt(200_000) : 1 + rnd.nextInt(9000);
    }

    private long offset(boolean direct) {
        int roll = rnd.nextInt(10);
        if (roll == 0) {
            return HOSTILE_OFFSETS[rnd.nextInt(HOSTILE_OFFSETS.length)];
        }
        if (direct && roll < 6) {
            return 512L * rnd.nextInt(80);
        }
        return roll == 9 ? 100_000 + rnd.nextInt(100_000) : rnd.nextInt(30_000);
    }

    private String name() {
        int roll = rnd.nextInt(30);
        return switch (roll) {
            case 0 -> "";
            case 1 -> LONG_PATH;
            case 2 -> LONG_NAME;
            case 3 -> "nul\0name";
            default -> Lane.NAMES[rnd.nextInt(Lane.NAMES.length)];
        };
    }

    @SafeVarargs
    private <T> T pickOf(T... options) {
        return options[rnd.nextInt(options.length)];
    }

    private long pick(long... options) {
        return options[rnd.nextInt(options.length)];
    }
}
