package io.asys.internal.linux;

/**
 * System call numbers of the running architecture (x86_64 or aarch64), as in the kernel's
 * {@code unistd} tables. The io_uring calls share one number on every architecture.
 */
public final class SyscallNumbers {
    public static final long IO_URING_SETUP = 425;
    public static final long IO_URING_ENTER = 426;
    public static final long IO_URING_REGISTER = 427;

    private static final boolean A64 = "aarch64".equals(System.getProperty("os.arch"));

    public static final long READ = A64 ? 63 : 0;
    public static final long WRITE = A64 ? 64 : 1;
    public static final long CLOSE = A64 ? 57 : 3;
    public static final long PREAD64 = A64 ? 67 : 17;
    public static final long PWRITE64 = A64 ? 68 : 18;
    public static final long PREADV2 = A64 ? 286 : 327;
    public static final long PWRITEV2 = A64 ? 287 : 328;
    public static final long FSYNC = A64 ? 82 : 74;
    public static final long FDATASYNC = A64 ? 83 : 75;
    public static final long FALLOCATE = A64 ? 47 : 285;
    public static final long FADVISE64 = A64 ? 223 : 221;
    public static final long FTRUNCATE = A64 ? 46 : 77;
    public static final long SYNC_FILE_RANGE = A64 ? 84 : 277;
    public static final long OPENAT = A64 ? 56 : 257;
    public static final long STATX = A64 ? 291 : 332;
    public static final long OPENAT2 = 437;
    public static final long SETXATTR = A64 ? 5 : 188;
    public static final long FSETXATTR = A64 ? 7 : 190;
    public static final long GETXATTR = A64 ? 8 : 191;
    public static final long FGETXATTR = A64 ? 10 : 193;
    public static final long RENAMEAT2 = A64 ? 276 : 316;
    public static final long UNLINKAT = A64 ? 35 : 263;
    public static final long MKDIRAT = A64 ? 34 : 258;
    public static final long SYMLINKAT = A64 ? 36 : 266;
    public static final long LINKAT = A64 ? 37 : 265;
    public static final long SOCKET = A64 ? 198 : 41;
    public static final long CONNECT = A64 ? 203 : 42;
    public static final long BIND = A64 ? 200 : 49;
    public static final long LISTEN = A64 ? 201 : 50;
    public static final long SETSOCKOPT = A64 ? 208 : 54;
    public static final long GETSOCKOPT = A64 ? 209 : 55;
    public static final long ACCEPT4 = A64 ? 242 : 288;
    public static final long SENDTO = A64 ? 206 : 44;
    public static final long RECVFROM = A64 ? 207 : 45;
    public static final long SHUTDOWN = A64 ? 210 : 48;
    public static final long PPOLL = A64 ? 73 : 271;
    public static final long SENDMSG = A64 ? 211 : 46;
    public static final long RECVMSG = A64 ? 212 : 47;
    public static final long SPLICE = A64 ? 76 : 275;
    public static final long TEE = A64 ? 77 : 276;
    public static final long MADVISE = A64 ? 233 : 28;
    public static final long MINCORE = A64 ? 232 : 27;
    public static final long FUTEX = A64 ? 98 : 202;
    public static final long WAITID = A64 ? 95 : 247;
    public static final long EPOLL_CREATE1 = A64 ? 20 : 291;
    public static final long EPOLL_CTL = A64 ? 21 : 233;
    public static final long EPOLL_PWAIT = A64 ? 22 : 281;
    public static final long PIPE2 = A64 ? 59 : 293;
    public static final long CACHESTAT = 451;
    public static final long CLOCK_GETTIME = A64 ? 113 : 228;
    public static final long GETPID = A64 ? 172 : 39;
    public static final long GETTID = A64 ? 178 : 186;
    public static final long RT_SIGACTION = A64 ? 134 : 13;
    public static final long TGKILL = A64 ? 131 : 234;
    public static final long FCNTL = A64 ? 25 : 72;
    public static final long SCHED_SETAFFINITY = A64 ? 122 : 203;
    public static final long SCHED_GETAFFINITY = A64 ? 123 : 204;
    /** The kernel AIO calls (KAIO), for the comparison engine. */
    public static final long IO_SETUP = A64 ? 0 : 206;
    public static final long IO_DESTROY = A64 ? 1 : 207;
    public static final long IO_GETEVENTS = A64 ? 4 : 208;
    public static final long IO_SUBMIT = A64 ? 2 : 209;
    public static final long IO_CANCEL = A64 ? 3 : 210;

    private SyscallNumbers() {
    }
}
