package io.asys;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The raw-call whitelist cannot be walked around: numbers out of range, negative, beyond 32
 * bits (an int truncation would turn them into allowed calls), and x86_64's x32 aliases
 * (bit 0x40000000, the same calls by another number) are all refused, at once, without a call.
 */
class SyscallWhitelistBypassTest {
    private static final long X32_BIT = 0x4000_0000L;
    private static final Set<String> NEVER = Set.of("exit", "exit_group", "fork", "vfork", "clone", "clone3", "execve",
            "execveat", "kill", "tkill", "tgkill", "ptrace", "mmap", "munmap", "mprotect", "mremap", "brk", "setuid",
            "seccomp", "prctl", "rt_sigreturn", "rt_sigaction", "unshare", "setns", "chroot", "reboot", "kexec_load",
            "init_module", "finit_module", "delete_module", "bpf", "perf_event_open", "io_uring_setup",
            "io_uring_enter", "io_uring_register", "process_vm_writev", "userfaultfd", "madvise", "shmat", "ioctl");
    private static Asys asys;

    @BeforeAll
    static void open() throws Exception {
        asys = Asys.open("workers");
    }

    @AfterAll
    static void close() {
        asys.close();
    }

    @Test
    void everyAllowedNumberIsNamedAndNoneIsDangerous() {
        for (long nr = -5000; nr < 5000; nr++) {
            if (SyscallPolicy.refusal(nr) == null) {
                String name = SyscallPolicy.name(nr);
                assertFalse(name.startsWith("syscall "), "allowed but unnamed: " + nr);
                assertFalse(NEVER.contains(name), "allowed: " + name);
                assertTrue(nr >= 0 && nr < 1024, "allowed number out of the table's range: " + nr);
            }
        }
    }

    @Test
    void aliasesNegativeAndHugeNumbersAreRefusedAtOnce() {
        long getpid = SyscallPolicy.number("getpid");
        List<Long> hostile = new java.util.ArrayList<>(List.of(-1L, -getpid, Long.MIN_VALUE, Long.MAX_VALUE,
                (1L << 32) | getpid, (-1L << 32) | getpid, 0xFFFF_FFFFL, Integer.MIN_VALUE + getpid));
        for (long nr = 0; nr < 1024; nr++) {
            hostile.add(X32_BIT | nr);
            hostile.add((1L << 32) | nr);
        }
        for (long nr : hostile) {
            assertNotNull(SyscallPolicy.refusal(nr), "refused: " + nr);
            CompletableFuture<Long> f = asys.syscall(RawCall.of(nr).arg(0));
            assertTrue(f.isDone(), "refused without a thread hop: " + nr);
            ExecutionException e = assertThrows(ExecutionException.class, f::get);
            assertInstanceOf(UnsupportedOperationException.class, e.getCause(), "number " + nr);
        }
    }

    @Test
    void refusedCallsByNameStayRefused() {
        for (String name : NEVER) {
            long nr = SyscallPolicy.number(name);
            if (nr >= 0) {
                assertNotNull(SyscallPolicy.refusal(nr), name);
                assertNotNull(SyscallPolicy.refusal(X32_BIT | nr), "x32 " + name);
            }
        }
    }
}
