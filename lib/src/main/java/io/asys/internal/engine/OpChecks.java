package io.asys.internal.engine;

import io.asys.Op;
import io.asys.uring.Buffers;

/**
 * The buffer checks the io_uring prep helpers make, made up front for every step of a request by
 * both engines, so both refuse the same bad input with the same exception, before any step of a
 * chain has run.
 */
public final class OpChecks {
    private OpChecks() {
    }

    public static void check(Op<?> op) {
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
