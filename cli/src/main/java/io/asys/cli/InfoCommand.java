package io.asys.cli;

import io.asys.uring.IoUringAbi;
import io.asys.uring.IoUringSupport;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;

/** {@code asys info}: whether io_uring is usable here, why not, and what the kernel supports. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show io_uring availability (or why it is unavailable), kernel features and supported opcodes.")
public final class InfoCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("kernel:        " + IoUringSupport.kernelRelease());
        if (!IoUringSupport.isAvailable()) {
            System.out.println("io_uring:      unavailable: " + IoUringSupport.unavailabilityCause());
            return;
        }
        System.out.println("io_uring:      available");
        System.out.printf("setup flags:   0x%x (accepted for the default configuration)%n",
                IoUringSupport.defaultSetupFlags());
        System.out.printf("features:      0x%x%n", IoUringSupport.features());
        List<String> ops = new ArrayList<>();
        IoUringSupport.supportedOps().stream().forEach(op -> ops.add(IoUringAbi.opName(op).substring(10)));
        System.out.println("opcodes (" + ops.size() + "): " + String.join(" ", ops));
    }
}
