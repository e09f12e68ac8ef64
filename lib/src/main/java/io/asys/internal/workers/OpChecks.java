package io.asys.internal.workers;

import io.asys.Op;
import io.asys.uring.Buffers;

/**
 * The buffer checks the io_uring prep helpers make, made again for the worker engine, so both
 * engines refuse the same bad input with the same exception before anything reaches the kernel.
 */
final class OpChecks {
    private OpChecks() {
    }

    static void check(Op<?> op) {
        switch (op) {
            case Op.Read o -> Buffers.checkNative(o.buffer(), true);
            case Op.Write o -> Buffers.checkNative(o.buffer(), false);
            case Op.Readv o -> o.buffers().check(true);
            case Op.Writev o -> o.buffers().check(false);
            case Op.ReadDirect o -> Buffers.checkNative(o.buffer(), true);
            case Op.Send o -> Buffers.checkNative(o.buffer(), false);
            case Op.Recv o -> Buffers.checkNative(o.buffer(), true);
            case Op.GetXattr o -> Buffers.checkNative(o.value(), true);
            case Op.FGetXattr o -> Buffers.checkNative(o.value(), true);
            case Op.SetXattr o -> Buffers.checkNative(o.value(), false);
            case Op.FSetXattr o -> Buffers.checkNative(o.value(), false);
            default -> {
                // Paths, statx buffers and socket addresses are made by asys itself.
            }
        }
    }
}
