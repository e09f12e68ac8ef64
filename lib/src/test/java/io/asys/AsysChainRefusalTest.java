package io.asys;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.asys.TypedApiTestSupport.failure;
import static io.asys.TypedApiTestSupport.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** A chain with a step that fails the buffer checks is refused whole, the same on both engines. */
class AsysChainRefusalTest {
    private static Asys asys;

    @TempDir
    Path dir;

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
    void aBadStepRefusesTheWholeChainBeforeAnyStepRuns() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "data");
        FileHandle h = get(asys.open(file, 0, 0));
        Path made = dir.resolve("made");
        Chain c = asys.chain();
        var mkdir = c.then(new Op.MkdirAt(made, 0755));
        var read = c.then(new Op.Read(h, MemorySegment.ofArray(new byte[16]), 0));
        var nop = c.then(new Op.Nop());
        c.submit();
        assertInstanceOf(IllegalArgumentException.class, failure(read));
        assertEquals(Errno.ECANCELED, Errors.errnoOf(failure(mkdir)));
        assertEquals(Errno.ECANCELED, Errors.errnoOf(failure(nop)));
        assertFalse(Files.exists(made), "the step before the bad one must not have run");
        assertEquals(0, get(asys.close(h)));
    }
}
