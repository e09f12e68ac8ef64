package io.asys.uring;

import io.asys.ErrnoException;
import io.asys.internal.linux.Syscall;
import io.asys.internal.linux.SyscallNumbers;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Which CPUs this process may run on, and pinning a thread to one of them ({@code
 * sched_getaffinity(2)}, {@code sched_setaffinity(2)}). A ring configured with {@link
 * IoUringConfig#withCpu} runs its io-wq workers on its CPU, and asys's engine pins its own thread
 * there too, so a buffer the engine fills (a received payload) is written by a worker on the same
 * CPU, from the same caches. Thread-safe.
 */
public final class CpuAffinity {
    /** Bytes of the CPU mask passed to the kernel: 1024 CPUs, glibc's {@code cpu_set_t}. */
    static final int MASK_BYTES = 128;

    private CpuAffinity() {
    }

    /** The CPUs this process may run on, ascending (the calling thread's affinity mask). */
    public static int[] allowed() throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = affinityOf(arena, 0);
            int[] cpus = new int[MASK_BYTES * 8];
            int n = 0;
            for (int cpu = 0; cpu < MASK_BYTES * 8; cpu++) {
                if ((mask.get(ValueLayout.JAVA_BYTE, cpu / 8) & (1 << (cpu % 8))) != 0) {
                    cpus[n++] = cpu;
                }
            }
            return Arrays.copyOf(cpus, n);
        }
    }

    /** sched_getaffinity(2) of thread {@code tid} (0: the calling thread), in {@code arena}. */
    private static MemorySegment affinityOf(Arena arena, long tid) throws ErrnoException {
        MemorySegment mask = arena.allocate(MASK_BYTES, 8);
        long ret = new Syscall().call(SyscallNumbers.SCHED_GETAFFINITY, tid, MASK_BYTES, mask.address(), 0, 0, 0);
        if (ret < 0) {
            throw new ErrnoException("sched_getaffinity", null, (int) ret);
        }
        return mask;
    }

    /** Pins the calling thread to {@code cpu}; EINVAL if this process may not run there. */
    public static void pinCurrentThread(int cpu) throws ErrnoException {
        pinThread(0, cpu);
    }

    /** Pins thread {@code tid} (0: the calling thread) to {@code cpu}; ESRCH if it is gone, EINVAL if the process may not run there. */
    public static void pinThread(int tid, int cpu) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            setAffinity(tid, maskOf(arena, cpu), "cpu " + cpu);
        }
    }

    /** Lets thread {@code tid} (0: the calling thread) run on every CPU the process's main thread may use. */
    public static void unpinThread(int tid) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            long pid = new Syscall().call(SyscallNumbers.GETPID, 0, 0, 0, 0, 0, 0);
            setAffinity(tid, affinityOf(arena, pid), "the process's CPUs");
        }
    }

    private static void setAffinity(int tid, MemorySegment mask, String what) throws ErrnoException {
        long ret = new Syscall().call(SyscallNumbers.SCHED_SETAFFINITY, tid, MASK_BYTES, mask.address(), 0, 0, 0);
        if (ret < 0) {
            throw new ErrnoException("sched_setaffinity(" + (tid == 0 ? "" : "thread " + tid + ", ") + what + ")", null, (int) ret);
        }
    }

    /** The calling thread's id (gettid(2)): the {@code tid} of the methods here. */
    public static int currentThreadId() {
        return (int) new Syscall().call(SyscallNumbers.GETTID, 0, 0, 0, 0, 0, 0);
    }

    /**
     * The io_uring io-wq worker threads ({@code iou-wrk-TID}) that thread {@code tid} of this
     * process has now; they come and go as the kernel needs them.
     */
    public static int[] ioWorkersOf(int tid) {
        String name = "iou-wrk-" + tid;
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
            return tasks.filter(task -> {
                try {
                    return java.nio.file.Files.readString(task.resolve("comm")).trim().equals(name);
                } catch (java.io.IOException gone) {
                    return false;
                }
            }).mapToInt(task -> Integer.parseInt(task.getFileName().toString())).toArray();
        } catch (java.io.IOException e) {
            return new int[0];
        }
    }

    /** A {@link #MASK_BYTES}-byte CPU mask holding {@code cpu} alone. */
    static MemorySegment maskOf(Arena arena, int cpu) {
        if (cpu < 0 || cpu >= MASK_BYTES * 8) {
            throw new IllegalArgumentException("cpu " + cpu + " is outside 0.." + (MASK_BYTES * 8 - 1));
        }
        MemorySegment mask = arena.allocate(MASK_BYTES, 8);
        mask.set(ValueLayout.JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
        return mask;
    }
}
