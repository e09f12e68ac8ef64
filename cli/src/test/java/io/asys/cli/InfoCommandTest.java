package io.asys.cli;

import io.asys.uring.IoUringSupport;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InfoCommandTest {
    @Test
    void jsonNamesTheEngineAndWhyIoUringIsOrIsNotThere() {
        PrintStream old = System.out;
        var out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        int exit;
        try {
            exit = new CommandLine(new Main()).execute("info", "--json");
        } finally {
            System.setOut(old);
        }
        assertEquals(0, exit);
        String json = out.toString().trim();
        if (IoUringSupport.isAvailable()) {
            assertTrue(json.contains("\"engine\":\"uring\""), json); // this kernel has every opcode of the operation set
            assertTrue(json.contains("\"uring_available\":true"), json);
            assertTrue(json.contains("\"uring_unavailable_cause\":null"), json);
            assertTrue(json.contains("READ"), json);
        } else {
            assertTrue(json.contains("\"engine\":\"workers\""), json);
            assertTrue(json.contains("\"uring_available\":false"), json);
            assertTrue(json.contains(IoUringSupport.unavailabilityCause()), json);
        }
    }
}
