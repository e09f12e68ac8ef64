package io.asys;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a child JVM with a low {@code ulimit -n} by {@link AsysFaultsTest}: opens a file
 * through asys until the process runs out of descriptors, then checks the error and that asys
 * still works once some are closed. Prints {@code OK <opened> <message>} and exits 0, or exits 1.
 */
public final class FdExhaustionChild {
    private FdExhaustionChild() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        List<FileHandle> open = new ArrayList<>();
        try (Asys asys = Asys.open()) {
            String message = null;
            for (int i = 0; i < 100_000 && message == null; i++) {
                try {
                    open.add(asys.open(file, FileDescriptors.O_RDONLY, 0).get());
                } catch (java.util.concurrent.ExecutionException e) {
                    if (Errors.errnoOf(e.getCause()) != Errno.EMFILE) {
                        System.out.println("FAILED: not EMFILE: " + e.getCause());
                        System.exit(1);
                    }
                    message = e.getCause().getMessage();
                }
            }
            for (int i = 0; i < 8; i++) {
                asys.close(open.remove(open.size() - 1)).get();
            }
            FileHandle again = asys.open(file, FileDescriptors.O_RDONLY, 0).get();
            asys.close(again).get();
            asys.nop().get();
            for (FileHandle h : open) {
                asys.close(h).get();
            }
            System.out.println("OK " + (open.size() + 8) + " " + message);
        }
    }
}
