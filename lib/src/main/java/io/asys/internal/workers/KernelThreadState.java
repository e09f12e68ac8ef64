package io.asys.internal.workers;

import io.asys.internal.linux.LibC;
import io.asys.internal.linux.Syscall;
import io.asys.internal.linux.SyscallNumbers;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * Whether a thread of this process sleeps in the kernel, from the state letter of
 * {@code /proc/self/task/TID/stat}: {@code R} runs or waits for a processor (preempted: it will
 * go on by itself); {@code S} and {@code D} sleep (on a pipe, a lock, the disk). Read with
 * plain system calls, never through {@code java.nio.file}, which may itself run on asys.
 * Used by one thread at a time (the lookup pool's watcher).
 */
final class KernelThreadState {
    private static final int O_RDONLY_CLOEXEC = 02000000;
    private final LibC libc = new LibC();
    private final MemorySegment path = Arena.ofAuto().allocate(64);
    private final MemorySegment buffer = Arena.ofAuto().allocate(512);

    /** The calling thread's kernel id. */
    static int currentTid() {
        return (int) new Syscall().call(SyscallNumbers.GETTID, 0, 0, 0, 0, 0, 0);
    }

    /**
     * True when thread {@code tid} sleeps in the kernel; false when it runs or waits for a
     * processor, and when its state cannot be read (then nothing is known: assume it runs).
     */
    boolean sleeping(int tid) {
        path.setString(0, "/proc/self/task/" + tid + "/stat", StandardCharsets.US_ASCII);
        int fd = libc.open(path, O_RDONLY_CLOEXEC, 0);
        if (fd < 0) {
            return false;
        }
        long n;
        try {
            n = libc.pread(fd, buffer, buffer.byteSize(), 0);
        } finally {
            libc.close(fd);
        }
        // "tid (comm) S ...": the comm may hold spaces and parentheses, the state follows the last ')'.
        for (long i = n - 1; i > 0; i--) {
            if (buffer.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i) == ')') {
                if (i + 2 >= n) {
                    return false;
                }
                byte state = buffer.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i + 2);
                return state == 'S' || state == 'D';
            }
        }
        return false;
    }
}
