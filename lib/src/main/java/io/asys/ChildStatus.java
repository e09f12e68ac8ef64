package io.asys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What {@code waitid} reports about a child, decoded from its {@code siginfo_t}: the child's pid
 * (0 under WNOHANG when no child changed state), its real uid, how it changed
 * ({@code code}: {@link #CLD_EXITED}, {@link #CLD_KILLED}, {@link #CLD_STOPPED}, ...) and the exit
 * status or signal number.
 */
public record ChildStatus(int pid, int uid, int code, int status) {
    public static final int CLD_EXITED = 1;
    public static final int CLD_KILLED = 2;
    public static final int CLD_DUMPED = 3;
    public static final int CLD_TRAPPED = 4;
    public static final int CLD_STOPPED = 5;
    public static final int CLD_CONTINUED = 6;

    // siginfo_t for SIGCHLD (64-bit Linux): si_code at 8; si_pid, si_uid, si_status at 16, 20, 24.
    private static final long SI_CODE = 8;
    private static final long SI_PID = 16;
    private static final long SI_UID = 20;
    private static final long SI_STATUS = 24;

    static ChildStatus decode(MemorySegment siginfo) {
        return new ChildStatus(siginfo.get(ValueLayout.JAVA_INT, SI_PID), siginfo.get(ValueLayout.JAVA_INT, SI_UID),
                siginfo.get(ValueLayout.JAVA_INT, SI_CODE), siginfo.get(ValueLayout.JAVA_INT, SI_STATUS));
    }

    public boolean exited() {
        return code == CLD_EXITED;
    }

    public boolean stopped() {
        return code == CLD_STOPPED;
    }

    public boolean killed() {
        return code == CLD_KILLED || code == CLD_DUMPED;
    }
}
