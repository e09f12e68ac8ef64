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
            case Op.SendZc o -> Buffers.checkNative(o.buffer(), false);
            case Op.Madvise o -> Buffers.checkNative(o.region(), false);
            case Op.SetSockOpt o -> Buffers.checkNative(o.value(), false);
            case Op.SendMsg o -> o.message().data().check(false);
            case Op.RecvMsg o -> o.message().data().check(true);
            case Op.FutexWait o -> Buffers.checkFutexWord(o.word());
            case Op.FutexWake o -> Buffers.checkFutexWord(o.word());
            case Op.Waitid o -> Buffers.checkSiginfo(o.info());
            case Op.ReadFixed o -> o.buffers().slice(o.index(), o.bufferOffset(), o.length());
            case Op.WriteFixed o -> o.buffers().slice(o.index(), o.bufferOffset(), o.length());
            default -> {
                // Paths, statx buffers and socket addresses are made by asys itself.
            }
        }
    }
}
