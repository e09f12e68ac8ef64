package io.asys;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

import static io.asys.TypedApiTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** futex wait/wake and waitid, asynchronously, on the real kernel. */
class AsysFutexWaitidTest {
    private static final int SIGSTOP = 19;

    private static Asys asys;

    @BeforeAll
    static void open() throws Exception {
        asys = Asys.open();
    }

    @AfterAll
    static void close() {
        if (asys != null) {
            asys.close();
        }
    }

    @Test
    void aWaiterSleepsUntilWokenAndAWakeCountsIt() throws Exception {
        MemorySegment word = Arena.ofAuto().allocate(4, 4);
        word.set(ValueLayout.JAVA_INT, 0, 7);
        AsysFuture<Integer> waiter = asys.futexWait(word, 7);
        assertThrows(java.util.concurrent.TimeoutException.class, () -> waiter.get(200, TimeUnit.MILLISECONDS));
        int woken = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (woken == 0 && System.nanoTime() < deadline) {
            woken = get(asys.futexWake(word, 1)); // the waiter may not be in the kernel yet (or, on workers, between slices)
        }
        assertEquals(1, woken);
        assertEquals(0, get(waiter));
        assertEquals(0, get(asys.futexWake(word, 1)), "nobody waits any more");
    }

    @Test
    void aWaitOnAChangedWordFailsWithEagainAndACancelEndsAWait() throws Exception {
        MemorySegment word = Arena.ofAuto().allocate(4, 4);
        word.set(ValueLayout.JAVA_INT, 0, 1);
        errno(asys.futexWait(word, 2), Errno.EAGAIN);
        AsysFuture<Integer> waiter = asys.futexWait(word, 1);
        Thread.sleep(50);
        asys.cancel(waiter);
        assertEquals(Errno.ECANCELED, Errors.errnoOf(failure(waiter)));
        org.junit.jupiter.api.Assertions.assertInstanceOf(IllegalArgumentException.class,
                failure(asys.futexWait(word.asSlice(1, 3), 0)), "an unaligned word never reaches the kernel");
    }

    @Test
    void waitidSeesAChildStopAndFailsWithEchildForAStranger() throws Exception {
        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            int pid = (int) child.pid();
            AsysFuture<ChildStatus> stopped = asys.waitid(Op.P_PID, pid, Op.WSTOPPED);
            assertFalse(stopped.isDone());
            // The JDK reaps exits, not stops: the stop is ours to see.
            assertEquals(0, new ProcessBuilder("kill", "-STOP", Integer.toString(pid)).start().waitFor());
            ChildStatus s = get(stopped);
            assertEquals(pid, s.pid());
            assertTrue(s.stopped(), "CLD_STOPPED, got code " + s.code());
            assertEquals(SIGSTOP, s.status());
            ChildStatus none = get(asys.waitid(Op.P_PID, pid, Op.WSTOPPED | Op.WNOHANG));
            assertEquals(0, none.pid(), "already reported: nothing more under WNOHANG");
        } finally {
            child.destroyForcibly();
            new ProcessBuilder("kill", "-CONT", Long.toString(child.pid())).start().waitFor();
        }
        errno(asys.waitid(Op.P_PID, 1, Op.WEXITED), Errno.ECHILD);
    }
}
