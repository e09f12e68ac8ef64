package io.asys.internal.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static io.asys.internal.linux.NativeAccess.CALL_STATE;
import static io.asys.internal.linux.NativeAccess.C_INT;
import static io.asys.internal.linux.NativeAccess.C_LONG;
import static io.asys.internal.linux.NativeAccess.C_POINTER;

/**
 * The few libc functions asys calls directly (memory mapping, synchronous file calls for setup
 * and for the worker path). Results follow the kernel convention: {@code >= 0} success,
 * {@code -errno} failure.
 *
 * <p>One instance per thread: the errno capture area is per instance.
 */
public final class LibC {
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_POPULATE = 0x08000;
    private static final long MAP_FAILED = -1L;

    private static final MethodHandle MMAP = NativeAccess.errnoDowncall("mmap",
            FunctionDescriptor.of(C_LONG, C_LONG, C_LONG, C_INT, C_INT, C_INT, C_LONG));
    private static final MethodHandle MUNMAP = NativeAccess.errnoDowncall("munmap",
            FunctionDescriptor.of(C_INT, C_LONG, C_LONG));
    private static final MethodHandle CLOSE = NativeAccess.errnoDowncall("close",
            FunctionDescriptor.of(C_INT, C_INT));
    private static final MethodHandle OPEN = NativeAccess.errnoDowncall("open",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle PREAD = NativeAccess.errnoDowncall("pread",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_LONG, C_LONG));
    private static final MethodHandle PWRITE = NativeAccess.errnoDowncall("pwrite",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_LONG, C_LONG));
    private static final MethodHandle FTRUNCATE = NativeAccess.errnoDowncall("ftruncate",
            FunctionDescriptor.of(C_INT, C_INT, C_LONG));
    /** posix_fadvise returns the error number instead of setting errno. */
    private static final MethodHandle POSIX_FADVISE = NativeAccess.plainDowncall("posix_fadvise",
            FunctionDescriptor.of(C_INT, C_INT, C_LONG, C_LONG, C_INT));
    private static final MethodHandle EVENTFD = NativeAccess.errnoDowncall("eventfd",
            FunctionDescriptor.of(C_INT, C_INT, C_INT));
    private static final MethodHandle WRITE = NativeAccess.errnoDowncall("write",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_LONG));
    /** write(2) for callers that need no errno (eventfd signals): no capture state, so no per-thread instance. */
    private static final MethodHandle WRITE_PLAIN = NativeAccess.plainDowncall("write",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_LONG));
    private static final MethodHandle GETPID = NativeAccess.plainDowncall("getpid",
            FunctionDescriptor.of(C_INT));

    private final MemorySegment callState = Arena.ofAuto().allocate(CALL_STATE);

    private long check(long ret) {
        return ret == -1 ? -NativeAccess.errno(callState) : ret;
    }

    /** Maps {@code length} bytes of {@code fd} at {@code offset}; the address, or {@code -errno}. */
    public long mmap(long length, int prot, int flags, int fd, long offset) {
        try {
            long address = (long) MMAP.invokeExact(callState, 0L, length, prot, flags, fd, offset);
            return address == MAP_FAILED ? -NativeAccess.errno(callState) : address;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * A segment over memory this package mapped, bound to {@code arena}: once the arena is closed,
     * any access fails cleanly instead of touching unmapped memory. Unmap only after that close.
     */
    public static MemorySegment mappedSegment(long address, long length, Arena arena) {
        return NativeAccess.mapped(address, length, arena, null);
    }

    /** As {@link #mappedSegment(long, long, Arena)}, with {@code unmap} run once the arena closes (an automatic arena: once unreachable). */
    public static MemorySegment mappedSegment(long address, long length, Arena arena, Runnable unmap) {
        return NativeAccess.mapped(address, length, arena, unmap);
    }

    public int munmap(long address, long length) {
        try {
            return (int) check((int) MUNMAP.invokeExact(callState, address, length));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public int close(int fd) {
        try {
            return (int) check((int) CLOSE.invokeExact(callState, fd));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** open(2) with a NUL-terminated path in native memory. */
    public int open(MemorySegment path, int flags, int mode) {
        try {
            return (int) check((int) OPEN.invokeExact(callState, path, flags, mode));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public long pread(int fd, MemorySegment buffer, long count, long offset) {
        try {
            return check((long) PREAD.invokeExact(callState, fd, buffer, count, offset));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public long pwrite(int fd, MemorySegment buffer, long count, long offset) {
        try {
            return check((long) PWRITE.invokeExact(callState, fd, buffer, count, offset));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public int ftruncate(int fd, long length) {
        try {
            return (int) check((int) FTRUNCATE.invokeExact(callState, fd, length));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public int posixFadvise(int fd, long offset, long length, int advice) {
        try {
            return -(int) POSIX_FADVISE.invokeExact(fd, offset, length, advice);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** eventfd(2); the fd, or {@code -errno}. */
    public int eventfd(int initval, int flags) {
        try {
            return (int) check((int) EVENTFD.invokeExact(callState, initval, flags));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public long write(int fd, MemorySegment buffer, long count) {
        try {
            return check((long) WRITE.invokeExact(callState, fd, buffer, count));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Adds {@code value} (an 8-byte native long) to an eventfd from any thread; -1 on failure. */
    public static long signalEventfd(int fd, MemorySegment value) {
        try {
            return (long) WRITE_PLAIN.invokeExact(fd, value, 8L);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static int getpid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
