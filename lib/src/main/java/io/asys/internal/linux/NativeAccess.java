package io.asys.internal.linux;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The one door to restricted FFM calls: linker, libc symbol lookup, downcall handles and
 * {@code reinterpret}. Every other package reaches native code through this package only.
 * Stateless and thread-safe.
 */
public final class NativeAccess {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();

    /** Layout of the call state that {@code captureCallState("errno")} fills. */
    static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private NativeAccess() {
    }

    /** A downcall to a libc function that sets errno; the first argument is the call-state segment. */
    static MethodHandle errnoDowncall(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(symbol(name), descriptor, options);
    }

    /** A downcall to a libc function that reports errors in its return value, not errno. */
    static MethodHandle plainDowncall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return LINKER.downcallHandle(symbol(name), descriptor, options);
    }

    private static MemorySegment symbol(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
    }

    /** Reads errno from a call-state segment filled by the last call. */
    static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    /**
     * Gives a raw address that the kernel returned (from mmap) a size, so Java can access it.
     * Only for memory this package mapped itself.
     */
    static MemorySegment mapped(long address, long size, Arena arena, Runnable cleanup) {
        return MemorySegment.ofAddress(address).reinterpret(size, arena, cleanup == null ? null : s -> cleanup.run());
    }

    static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    static final AddressLayout C_POINTER = ValueLayout.ADDRESS;
}
