package io.asys.internal.uring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.BitSet;

import static io.asys.uring.IoUringAbi.IORING_REGISTER_PROBE;
import static io.asys.uring.IoUringAbi.IO_URING_OP_SUPPORTED;

/** Reads IORING_REGISTER_PROBE: which opcodes the running kernel supports, as a bit set. */
public final class Probe {
    private static final int MAX_OPS = 256;

    private Probe() {
    }

    /** The supported opcodes, or {@code null} when the kernel has no probe (before 5.6). */
    public static BitSet supportedOps(IoUringCalls calls, int ringFd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment probe = arena.allocate(
                    RegisterDescriptor.PROBE_HEADER_SIZE + (long) RegisterDescriptor.PROBE_OP_SIZE * MAX_OPS, 8);
            int ret = calls.register(ringFd, IORING_REGISTER_PROBE, probe.address(), MAX_OPS);
            if (ret < 0) {
                return null;
            }
            int opsLen = Byte.toUnsignedInt(probe.get(ValueLayout.JAVA_BYTE, RegisterDescriptor.PROBE_OPS_LEN));
            BitSet supported = new BitSet(opsLen);
            for (int i = 0; i < opsLen; i++) {
                long op = RegisterDescriptor.PROBE_HEADER_SIZE + (long) RegisterDescriptor.PROBE_OP_SIZE * i;
                int flags = Short.toUnsignedInt(probe.get(ValueLayout.JAVA_SHORT, op + RegisterDescriptor.PROBE_OP_FLAGS));
                if ((flags & IO_URING_OP_SUPPORTED) != 0) {
                    supported.set(Byte.toUnsignedInt(probe.get(ValueLayout.JAVA_BYTE, op + RegisterDescriptor.PROBE_OP_OP)));
                }
            }
            return supported;
        }
    }
}
