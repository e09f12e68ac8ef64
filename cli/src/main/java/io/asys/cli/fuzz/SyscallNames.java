package io.asys.cli.fuzz;

import io.asys.SyscallPolicy;

import java.util.Random;

/** Whitelisted and refused system call numbers of this architecture, for hostile raw calls. */
final class SyscallNames {
    private static final String[] DENIED = {"exit", "exit_group", "fork", "vfork", "clone", "clone3", "execve",
        "kill", "tgkill", "ptrace", "mmap", "munmap", "mprotect", "setuid", "seccomp", "prctl", "chdir"};
    private static final String[] ALLOWED = {"getpid", "read", "write", "close", "openat", "unlinkat"};

    private SyscallNames() {
    }

    static long denied(Random rnd) {
        long nr = SyscallPolicy.number(DENIED[rnd.nextInt(DENIED.length)]);
        return nr >= 0 ? nr : -1;
    }

    static long allowed(Random rnd) {
        return Math.max(0, SyscallPolicy.number(ALLOWED[rnd.nextInt(ALLOWED.length)]));
    }
}
