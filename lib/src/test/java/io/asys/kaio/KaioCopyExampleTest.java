package io.asys.kaio;

import io.asys.Asys;
import io.asys.ErrnoException;
import io.asys.FileDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static io.asys.FileDescriptors.O_CREAT;
import static io.asys.FileDescriptors.O_DIRECT;
import static io.asys.FileDescriptors.O_RDONLY;
import static io.asys.FileDescriptors.O_TRUNC;
import static io.asys.FileDescriptors.O_WRONLY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The README's O_DIRECT copy loop, a libaio program ported line by line, run on both implementations. */
class KaioCopyExampleTest {
    static final int QD = 8;
    static final int BS = 64 * 1024;

    /** The README's loop: copies {@code src} to {@code dst} (a multiple of BS long) through {@code ctx}. */
    static void copy(IoContext ctx, Path src, Path dst) throws Exception {
        int in = FileDescriptors.open(src, O_RDONLY | O_DIRECT, 0);
        int out = FileDescriptors.open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT, 0644);
        long size = Files.size(src);
        Iocb[] cbs = new Iocb[QD];                                 // struct iocb cbs[QD];
        MemorySegment[] bufs = new MemorySegment[QD];
        IoEvent[] events = new IoEvent[QD];                        // struct io_event events[QD];
        long next = 0;
        int inFlight = 0;
        for (int i = 0; i < QD && next < size; i++, next += BS) {
            bufs[i] = Arena.ofAuto().allocate(BS, 4096);          // posix_memalign(&bufs[i], 4096, BS)
            cbs[i] = new Iocb().prepPread(in, bufs[i], BS, next).data(i); // io_prep_pread(...); cb->data = i
            inFlight++;
        }
        if (ctx.submit(inFlight, cbs) != inFlight) {               // io_submit(ctx, inFlight, cbps)
            throw new IllegalStateException("io_submit");
        }
        while (inFlight > 0) {
            int n = ctx.getEvents(1, QD, events, null);            // io_getevents(ctx, 1, QD, events, NULL)
            for (int k = 0; k < n; k++) {
                IoEvent ev = events[k];
                Iocb cb = ev.iocb();                               // ev->obj
                int i = (int) ev.data();                           // ev->data
                if (ev.res() < 0) {
                    throw new ErrnoException(cb.opcode() == Iocb.IOCB_CMD_PREAD ? "pread" : "pwrite", null, (int) ev.res());
                }
                if (cb.opcode() == Iocb.IOCB_CMD_PREAD) {          // read done: write those bytes
                    cb.prepPwrite(out, bufs[i], ev.res(), cb.offset()).data(i);
                } else if (next < size) {                          // write done: read the next block
                    cb.prepPread(in, bufs[i], BS, next).data(i);
                    next += BS;
                } else {
                    inFlight--;
                    continue;
                }
                if (ctx.submit(cb) != 1) {
                    throw new IllegalStateException("io_submit");
                }
            }
        }
        ctx.destroy();                                             // io_destroy(ctx)
        FileDescriptors.close(in);
        FileDescriptors.close(out);
    }

    @Test
    void copiesOnAsysAndOnTheKernel(@TempDir Path dir) throws Exception {
        byte[] data = new byte[BS * 37];
        new Random(5).nextBytes(data);
        Path src = Files.write(dir.resolve("src"), data);
        try (Asys asys = Asys.open()) {
            copy(IoContext.setup(asys, QD), src, dir.resolve("dst-asys"));   // io_setup(QD, &ctx)
        }
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("dst-asys")));
        IoContext kernel;
        try {
            kernel = IoContext.setupKernel(QD);
        } catch (ErrnoException e) {
            org.junit.jupiter.api.Assumptions.abort("kernel AIO unavailable: " + e.getMessage());
            return;
        }
        copy(kernel, src, dir.resolve("dst-kernel"));
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("dst-kernel")));
    }
}
