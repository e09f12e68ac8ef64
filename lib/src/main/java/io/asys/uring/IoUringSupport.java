package io.asys.uring;

import io.asys.Errno;
import io.asys.internal.uring.IoUringCalls;
import io.asys.internal.uring.Probe;
import io.asys.internal.uring.RingSetup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * Whether io_uring can be used here, and if not, why: computed once, on first use, by creating a
 * small ring and reading the kernel's opcode probe. With the system property
 * {@code asys.engine=workers} it never calls {@code io_uring_setup} at all (some seccomp policies
 * kill the process on that call instead of failing it). Thread-safe.
 */
public final class IoUringSupport {
    /** Property that selects the engine; {@value #ENGINE_WORKERS} forbids io_uring. */
    public static final String ENGINE_PROP_NAME = "asys.engine";
    public static final String ENGINE_WORKERS = "workers";

    private IoUringSupport() {
    }

    private static final class Holder {
        static final Status STATUS = Status.compute();
    }

    private record Status(String cause, int features, int setupFlags, BitSet ops) {
        static Status compute() {
            if (ENGINE_WORKERS.equals(System.getProperty(ENGINE_PROP_NAME))) {
                return failed("io_uring not tried: " + ENGINE_PROP_NAME + "=" + ENGINE_WORKERS);
            }
            String disabled = readSysctl("kernel/io_uring_disabled");
            if ("2".equals(disabled)) {
                return failed("io_uring is disabled for every process by the sysctl kernel.io_uring_disabled=2");
            }
            IoUringCalls calls = new IoUringCalls();
            RingSetup.Result r = RingSetup.setup(calls, 2, 0, IoUringConfig.defaults().setupFlags(), 0);
            if (r.ring() == null) {
                return failed(explain(-r.errno(), disabled));
            }
            try {
                return new Status(null, r.ring().features(), r.ring().setupFlags(),
                        Probe.supportedOps(calls, r.ring().fd()));
            } finally {
                r.ring().unmapAndClose();
            }
        }

        static Status failed(String cause) {
            return new Status(cause, 0, 0, new BitSet());
        }
    }

    static String explain(int errno, String disabledSysctl) {
        String setup = "io_uring_setup failed with " + Errno.describe(errno) + ": ";
        return switch (errno) {
            case Errno.EPERM -> setup + ("1".equals(disabledSysctl)
                    ? "kernel.io_uring_disabled=1 allows only members of kernel.io_uring_group"
                    : "refused by a seccomp filter" + seccompNote() + " (Docker's default profile blocks io_uring)");
            case Errno.ENOSYS -> setup + "kernel " + kernelRelease() + " has no io_uring (too old, or built without it)";
            case Errno.ENOMEM -> setup + "the ring could not be allocated: before Linux 5.12 raise the locked-memory "
                    + "limit (ulimit -l); since 5.12 ring memory is charged to the memory cgroup (raise its memory.max), "
                    + "or ask for fewer entries";
            default -> setup + "unexpected";
        };
    }

    private static String seccompNote() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Seccomp:")) {
                    return " (this process: " + line.replace('\t', ' ') + ")";
                }
            }
        } catch (IOException ignored) {
            // no /proc: say nothing more
        }
        return "";
    }

    private static String readSysctl(String name) {
        try {
            return Files.readString(Path.of("/proc/sys", name)).trim();
        } catch (IOException e) {
            return null;
        }
    }

    /** True when io_uring rings can be created in this process. */
    public static boolean isAvailable() {
        return Holder.STATUS.cause() == null;
    }

    /** Why io_uring is unavailable (naming the errno, sysctl or setting), or {@code null} if it is available. */
    public static String unavailabilityCause() {
        return Holder.STATUS.cause();
    }

    /** Throws {@link UnsupportedOperationException} with the cause if io_uring is unavailable. */
    public static void ensureAvailability() {
        if (!isAvailable()) {
            throw new UnsupportedOperationException("io_uring unavailable: " + unavailabilityCause());
        }
    }

    /** {@code io_uring_params.features} of a ring created with the default flags. */
    public static int features() {
        return Holder.STATUS.features();
    }

    /** The setup flags the kernel accepted for the default configuration. */
    public static int defaultSetupFlags() {
        return Holder.STATUS.setupFlags();
    }

    /** Whether the kernel's probe lists {@code opcode} as supported. */
    public static boolean isSupported(int opcode) {
        BitSet ops = Holder.STATUS.ops();
        return ops != null && ops.get(opcode);
    }

    /** The supported opcodes (a copy). */
    public static BitSet supportedOps() {
        BitSet ops = Holder.STATUS.ops();
        return ops == null ? new BitSet() : (BitSet) ops.clone();
    }

    /** Whether the running kernel's release is at least {@code major.minor} (false when it cannot be read). */
    public static boolean kernelAtLeast(int major, int minor) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(kernelRelease());
        if (!m.find()) {
            return false;
        }
        int ma = Integer.parseInt(m.group(1));
        return ma > major || ma == major && Integer.parseInt(m.group(2)) >= minor;
    }

    /** The running kernel's release, from /proc/sys/kernel/osrelease. */
    public static String kernelRelease() {
        String r = readSysctl("kernel/osrelease");
        return r == null ? System.getProperty("os.version") : r;
    }
}
