package io.asys;

import io.asys.uring.FixedBuffers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.asys.TypedApiTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** Fixed reads and writes through registered buffers (io_uring) or their plain twins (workers). */
class AsysFixedBuffersTest {
    private static Asys asys;
    private static FixedBuffers buffers;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() throws Exception {
        asys = Asys.open();
        buffers = asys.registerBuffers(2, 8192);
    }

    @AfterAll
    static void close() {
        if (asys != null) {
            asys.close();
        }
    }

    @Test
    void aFixedWriteAndAFixedReadRoundTrip() throws Exception {
        FileHandle h = get(asys.open(dir.resolve("fixed"), O_CREAT | O_RDWR | O_TRUNC, 0644));
        byte[] data = pattern(3000, 9);
        MemorySegment.copy(data, 0, buffers.buffer(0), ValueLayout.JAVA_BYTE, 100, data.length);
        assertEquals(3000, get(asys.submit(new Op.WriteFixed(h, buffers, 0, 100, 3000, 4096))));
        assertArrayEquals(data, java.util.Arrays.copyOfRange(Files.readAllBytes(dir.resolve("fixed")), 4096, 4096 + 3000));
        assertEquals(3000, get(asys.submit(new Op.ReadFixed(h, buffers, 1, 0, 3000, 4096))));
        assertArrayEquals(data, buffers.buffer(1).asSlice(0, 3000).toArray(ValueLayout.JAVA_BYTE));
        get(asys.close(h));
    }

    @Test
    void aRangeOutsideTheBuffersNeverReachesTheKernel() throws Exception {
        FileHandle h = get(asys.open(dir.resolve("bounds"), O_CREAT | O_RDWR | O_TRUNC, 0644));
        assertInstanceOf(IndexOutOfBoundsException.class, failure(asys.submit(new Op.ReadFixed(h, buffers, 2, 0, 10, 0))));
        assertInstanceOf(IndexOutOfBoundsException.class,
                failure(asys.submit(new Op.ReadFixed(h, buffers, 0, 8000, 500, 0))));
        assertInstanceOf(IndexOutOfBoundsException.class,
                failure(asys.submit(new Op.WriteFixed(h, buffers, 1, -1, 10, 0))));
        get(asys.close(h));
    }
}
