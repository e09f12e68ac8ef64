package io.asys;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * "Do arbitrary system call X with arguments A, B, C, D asynchronously": a system call by number
 * with up to six arguments, run by {@link Asys#syscall} on a worker thread. Pointer arguments are
 * given as native segments, checked and kept reachable until the call returns; the number must
 * pass {@link SyscallPolicy}. Build with {@link #of(long)} and {@code arg}; immutable once built.
 */
public final class RawCall {
    private final long number;
    private final long[] args = new long[6];
    private final List<MemorySegment> segments = new ArrayList<>();
    private int count;

    private RawCall(long number) {
        this.number = number;
    }

    /** A call of {@code number}; see {@link SyscallPolicy#number(String)} to look one up by name. */
    public static RawCall of(long number) {
        return new RawCall(number);
    }

    public static RawCall of(String name) {
        long nr = SyscallPolicy.number(name);
        if (nr < 0) {
            throw new IllegalArgumentException("asys does not know the system call '" + name + "' on this architecture");
        }
        return new RawCall(nr);
    }

    /** Appends an integer argument. */
    public RawCall arg(long value) {
        if (count == 6) {
            throw new IllegalArgumentException("a system call takes at most six arguments");
        }
        args[count++] = value;
        return this;
    }

    /** Appends a pointer argument: a native segment that stays valid until the call returns. */
    public RawCall arg(MemorySegment pointer) {
        if (!pointer.isNative() || !pointer.scope().isAlive()) {
            throw new IllegalArgumentException("a pointer argument must be a live native segment: " + pointer);
        }
        segments.add(pointer);
        return arg(pointer.address());
    }

    public long number() {
        return number;
    }

    public String name() {
        return SyscallPolicy.name(number);
    }

    long argAt(int i) {
        return args[i];
    }

    /** The segments passed as pointers (kept reachable by the call). */
    List<MemorySegment> segments() {
        return segments;
    }
}
