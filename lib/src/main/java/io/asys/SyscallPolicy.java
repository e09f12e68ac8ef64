package io.asys;

import java.util.HashMap;
import java.util.Map;

/**
 * Which system calls {@link RawCall} may run: a whitelist by number for the running
 * architecture (x86_64 or aarch64). Calls that would end, fork or replace the process, change its
 * signal state, credentials or memory map are refused with the reason; anything not listed is
 * refused as not whitelisted. Immutable and thread-safe.
 */
public final class SyscallPolicy {
    private record Entry(String name, String refusal) {
    }

    private static final Map<Long, Entry> TABLE =
            "aarch64".equals(System.getProperty("os.arch")) ? aarch64() : x86_64();

    private SyscallPolicy() {
    }

    /** {@code null} if system call {@code number} may run, else why it may not. */
    public static String refusal(long number) {
        Entry e = TABLE.get(number);
        if (e == null) {
            return "system call " + number + " is not on asys's whitelist of raw calls";
        }
        return e.refusal() == null ? null : "system call " + number + " (" + e.name() + ") is refused: it " + e.refusal();
    }

    /** The name of system call {@code number} if asys knows it, else {@code "syscall N"}. */
    public static String name(long number) {
        Entry e = TABLE.get(number);
        return e == null ? "syscall " + number : e.name();
    }

    /** The number of a whitelisted or refused call by name on this architecture, or -1. */
    public static long number(String name) {
        for (var e : TABLE.entrySet()) {
            if (e.getValue().name().equals(name)) {
                return e.getKey();
            }
        }
        return -1;
    }

    private static void allow(Map<Long, Entry> t, String name, long nr) {
        t.put(nr, new Entry(name, null));
    }

    private static void deny(Map<Long, Entry> t, String name, long nr, String why) {
        t.put(nr, new Entry(name, why));
    }

    private static Map<Long, Entry> x86_64() {
        Map<Long, Entry> t = new HashMap<>();
        allow(t, "read", 0);
        allow(t, "write", 1);
        allow(t, "close", 3);
        allow(t, "stat", 4);
        allow(t, "fstat", 5);
        allow(t, "lstat", 6);
        allow(t, "poll", 7);
        allow(t, "lseek", 8);
        allow(t, "getsockname", 51);
        allow(t, "setsockopt", 54);
        allow(t, "getsockopt", 55);
        allow(t, "pread64", 17);
        allow(t, "pwrite64", 18);
        allow(t, "readv", 19);
        allow(t, "writev", 20);
        allow(t, "access", 21);
        allow(t, "pipe", 22);
        allow(t, "sched_yield", 24);
        allow(t, "dup", 32);
        allow(t, "nanosleep", 35);
        allow(t, "getpid", 39);
        allow(t, "sendfile", 40);
        allow(t, "uname", 63);
        allow(t, "fcntl", 72);
        allow(t, "flock", 73);
        allow(t, "fsync", 74);
        allow(t, "fdatasync", 75);
        allow(t, "truncate", 76);
        allow(t, "ftruncate", 77);
        allow(t, "getdents", 78);
        allow(t, "getcwd", 79);
        allow(t, "rename", 82);
        allow(t, "mkdir", 83);
        allow(t, "rmdir", 84);
        allow(t, "link", 86);
        allow(t, "unlink", 87);
        allow(t, "symlink", 88);
        allow(t, "readlink", 89);
        allow(t, "chmod", 90);
        allow(t, "fchmod", 91);
        allow(t, "chown", 92);
        allow(t, "fchown", 93);
        allow(t, "lchown", 94);
        allow(t, "gettimeofday", 96);
        allow(t, "getrusage", 98);
        allow(t, "sysinfo", 99);
        allow(t, "getuid", 102);
        allow(t, "getgid", 104);
        allow(t, "geteuid", 107);
        allow(t, "getegid", 108);
        allow(t, "getppid", 110);
        allow(t, "getpgrp", 111);
        allow(t, "statfs", 137);
        allow(t, "fstatfs", 138);
        allow(t, "sync", 162);
        allow(t, "gettid", 186);
        allow(t, "readahead", 187);
        allow(t, "setxattr", 188);
        allow(t, "fsetxattr", 190);
        allow(t, "getxattr", 191);
        allow(t, "lgetxattr", 192);
        allow(t, "fgetxattr", 193);
        allow(t, "listxattr", 194);
        allow(t, "flistxattr", 196);
        allow(t, "time", 201);
        allow(t, "getdents64", 217);
        allow(t, "fadvise64", 221);
        allow(t, "clock_gettime", 228);
        allow(t, "clock_getres", 229);
        allow(t, "clock_nanosleep", 230);
        allow(t, "openat", 257);
        allow(t, "mkdirat", 258);
        allow(t, "mknodat", 259);
        allow(t, "fchownat", 260);
        allow(t, "newfstatat", 262);
        allow(t, "unlinkat", 263);
        allow(t, "renameat", 264);
        allow(t, "linkat", 265);
        allow(t, "symlinkat", 266);
        allow(t, "readlinkat", 267);
        allow(t, "fchmodat", 268);
        allow(t, "faccessat", 269);
        allow(t, "splice", 275);
        allow(t, "tee", 276);
        allow(t, "sync_file_range", 277);
        allow(t, "utimensat", 280);
        allow(t, "fallocate", 285);
        allow(t, "eventfd2", 290);
        allow(t, "dup3", 292);
        allow(t, "pipe2", 293);
        allow(t, "preadv", 295);
        allow(t, "pwritev", 296);
        allow(t, "syncfs", 306);
        allow(t, "getrandom", 318);
        allow(t, "copy_file_range", 326);
        allow(t, "preadv2", 327);
        allow(t, "pwritev2", 328);
        allow(t, "statx", 332);
        allow(t, "renameat2", 316);
        allow(t, "openat2", 437);
        allow(t, "faccessat2", 439);
        deny(t, "exit", 60, "ends the calling thread");
        deny(t, "exit_group", 231, "ends the process");
        deny(t, "fork", 57, "forks the process");
        deny(t, "vfork", 58, "forks the process");
        deny(t, "clone", 56, "creates a process or thread behind the JVM's back");
        deny(t, "clone3", 435, "creates a process or thread behind the JVM's back");
        deny(t, "execve", 59, "replaces the process");
        deny(t, "execveat", 322, "replaces the process");
        deny(t, "rt_sigreturn", 15, "changes signal state");
        deny(t, "rt_sigaction", 13, "changes signal state");
        deny(t, "rt_sigprocmask", 14, "changes signal state");
        deny(t, "sigaltstack", 131, "changes signal state");
        deny(t, "kill", 62, "sends signals");
        deny(t, "tkill", 200, "sends signals");
        deny(t, "tgkill", 234, "sends signals");
        deny(t, "setuid", 105, "changes credentials");
        deny(t, "setgid", 106, "changes credentials");
        deny(t, "setreuid", 113, "changes credentials");
        deny(t, "setregid", 114, "changes credentials");
        deny(t, "setresuid", 117, "changes credentials");
        deny(t, "setresgid", 119, "changes credentials");
        deny(t, "setfsuid", 122, "changes credentials");
        deny(t, "setfsgid", 123, "changes credentials");
        deny(t, "setgroups", 116, "changes credentials");
        deny(t, "capset", 126, "changes credentials");
        deny(t, "mmap", 9, "changes the JVM's memory map");
        deny(t, "munmap", 11, "changes the JVM's memory map");
        deny(t, "mprotect", 10, "changes the JVM's memory map");
        deny(t, "mremap", 25, "changes the JVM's memory map");
        deny(t, "brk", 12, "changes the JVM's memory map");
        deny(t, "unshare", 272, "changes process namespaces");
        deny(t, "setns", 308, "changes process namespaces");
        deny(t, "ptrace", 101, "traces processes");
        deny(t, "seccomp", 317, "changes the process's filters");
        deny(t, "prctl", 157, "changes process state");
        deny(t, "chdir", 80, "changes the process's directory");
        deny(t, "fchdir", 81, "changes the process's directory");
        deny(t, "chroot", 161, "changes the process's root");
        deny(t, "umask", 95, "changes the process's umask");
        deny(t, "personality", 135, "changes process state");
        deny(t, "reboot", 169, "reboots the machine");
        return t;
    }

    private static Map<Long, Entry> aarch64() {
        Map<Long, Entry> t = new HashMap<>();
        allow(t, "read", 63);
        allow(t, "write", 64);
        allow(t, "close", 57);
        allow(t, "openat", 56);
        allow(t, "getpid", 172);
        allow(t, "getppid", 173);
        allow(t, "gettid", 178);
        allow(t, "fchmod", 52);
        allow(t, "fchown", 55);
        allow(t, "readlinkat", 78);
        allow(t, "utimensat", 88);
        allow(t, "getdents64", 61);
        allow(t, "lseek", 62);
        allow(t, "getsockname", 204);
        allow(t, "setsockopt", 208);
        allow(t, "getsockopt", 209);
        allow(t, "pread64", 67);
        allow(t, "pwrite64", 68);
        allow(t, "readv", 65);
        allow(t, "writev", 66);
        allow(t, "fsync", 82);
        allow(t, "fdatasync", 83);
        allow(t, "statx", 291);
        allow(t, "newfstatat", 79);
        allow(t, "fstat", 80);
        allow(t, "mkdirat", 34);
        allow(t, "unlinkat", 35);
        allow(t, "renameat", 38);
        allow(t, "renameat2", 276);
        allow(t, "symlinkat", 36);
        allow(t, "linkat", 37);
        allow(t, "fchmodat", 53);
        allow(t, "fchownat", 54);
        allow(t, "faccessat", 48);
        allow(t, "faccessat2", 439);
        allow(t, "getuid", 174);
        allow(t, "geteuid", 175);
        allow(t, "getgid", 176);
        allow(t, "getegid", 177);
        allow(t, "uname", 160);
        allow(t, "getrandom", 278);
        allow(t, "clock_gettime", 113);
        allow(t, "fallocate", 47);
        allow(t, "ftruncate", 46);
        allow(t, "truncate", 45);
        allow(t, "sync", 81);
        allow(t, "syncfs", 267);
        allow(t, "statfs", 43);
        allow(t, "fstatfs", 44);
        allow(t, "copy_file_range", 285);
        allow(t, "flock", 32);
        allow(t, "dup", 23);
        allow(t, "dup3", 24);
        allow(t, "fcntl", 25);
        allow(t, "pipe2", 59);
        allow(t, "eventfd2", 19);
        allow(t, "nanosleep", 101);
        allow(t, "sched_yield", 124);
        allow(t, "getcwd", 17);
        allow(t, "openat2", 437);
        allow(t, "preadv2", 286);
        allow(t, "pwritev2", 287);
        allow(t, "fadvise64", 223);
        allow(t, "readahead", 213);
        allow(t, "sync_file_range", 84);
        allow(t, "splice", 76);
        allow(t, "tee", 77);
        allow(t, "getxattr", 8);
        allow(t, "fgetxattr", 10);
        allow(t, "setxattr", 5);
        allow(t, "fsetxattr", 7);
        allow(t, "mknodat", 33);
        deny(t, "exit", 93, "ends the calling thread");
        deny(t, "exit_group", 94, "ends the process");
        deny(t, "clone", 220, "creates a process or thread behind the JVM's back");
        deny(t, "clone3", 435, "creates a process or thread behind the JVM's back");
        deny(t, "execve", 221, "replaces the process");
        deny(t, "execveat", 281, "replaces the process");
        deny(t, "rt_sigreturn", 139, "changes signal state");
        deny(t, "rt_sigaction", 134, "changes signal state");
        deny(t, "rt_sigprocmask", 135, "changes signal state");
        deny(t, "kill", 129, "sends signals");
        deny(t, "tkill", 130, "sends signals");
        deny(t, "tgkill", 131, "sends signals");
        deny(t, "setuid", 146, "changes credentials");
        deny(t, "setgid", 144, "changes credentials");
        deny(t, "setreuid", 145, "changes credentials");
        deny(t, "setregid", 143, "changes credentials");
        deny(t, "setresuid", 147, "changes credentials");
        deny(t, "setresgid", 149, "changes credentials");
        deny(t, "setgroups", 159, "changes credentials");
        deny(t, "capset", 91, "changes credentials");
        deny(t, "mmap", 222, "changes the JVM's memory map");
        deny(t, "munmap", 215, "changes the JVM's memory map");
        deny(t, "mprotect", 226, "changes the JVM's memory map");
        deny(t, "mremap", 216, "changes the JVM's memory map");
        deny(t, "brk", 214, "changes the JVM's memory map");
        deny(t, "unshare", 97, "changes process namespaces");
        deny(t, "setns", 268, "changes process namespaces");
        deny(t, "ptrace", 117, "traces processes");
        deny(t, "seccomp", 277, "changes the process's filters");
        deny(t, "prctl", 167, "changes process state");
        deny(t, "chdir", 49, "changes the process's directory");
        deny(t, "fchdir", 50, "changes the process's directory");
        deny(t, "chroot", 51, "changes the process's root");
        deny(t, "umask", 166, "changes the process's umask");
        deny(t, "reboot", 142, "reboots the machine");
        return t;
    }
}
