package io.asys.cli;

import io.asys.Asys;
import io.asys.cli.bench.Json;
import io.asys.uring.IoUringAbi;
import io.asys.uring.IoUringSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** {@code asys info}: the kernel, io_uring availability (or why not), supported opcodes, and the engine asys would use. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show the engine asys uses here, io_uring availability (or why it is unavailable), "
                + "kernel features and supported opcodes.")
public final class InfoCommand implements Runnable {
    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public void run() {
        String setting = System.getProperty(Asys.ENGINE_PROP_NAME, Asys.ENGINE_DEFAULT);
        boolean available = IoUringSupport.isAvailable();
        boolean uring = !setting.equals("workers") && available;
        List<String> routes = uring ? Asys.workerRoutesHere() : List.of();
        String engine = !uring ? "workers" : routes.isEmpty() ? "uring" : "hybrid";
        List<String> ops = new ArrayList<>();
        IoUringSupport.supportedOps().stream().forEach(op -> ops.add(IoUringAbi.opName(op).substring(10)));
        int workers = Integer.getInteger(Asys.WORKERS_PROP_NAME, Asys.WORKERS_DEFAULT);
        if (json) {
            System.out.println(new Json().put("engine", engine).put("engine_setting", setting)
                    .put("uring_available", available).put("uring_unavailable_cause", IoUringSupport.unavailabilityCause())
                    .put("kernel", IoUringSupport.kernelRelease())
                    .put("uring_setup_flags", available ? String.format("0x%x", IoUringSupport.defaultSetupFlags()) : null)
                    .put("uring_features", available ? String.format("0x%x", IoUringSupport.features()) : null)
                    .put("uring_opcodes", String.join(" ", ops))
                    .put("workers", workers)
                    .put("worker_routes", String.join("; ", routes)));
            return;
        }
        System.out.println("kernel:        " + IoUringSupport.kernelRelease());
        System.out.println("engine:        " + engine + " (setting " + Asys.ENGINE_PROP_NAME + "=" + setting + ")");
        System.out.println("workers:       " + workers + " threads when the worker engine runs (-D"
                + Asys.WORKERS_PROP_NAME + "=N)");
        if (!available) {
            System.out.println("io_uring:      unavailable: " + IoUringSupport.unavailabilityCause());
            return;
        }
        System.out.println("io_uring:      available");
        for (String route : routes) {
            System.out.println("on workers:    " + route);
        }
        System.out.printf("setup flags:   0x%x (accepted for the default configuration)%n",
                IoUringSupport.defaultSetupFlags());
        System.out.printf("features:      0x%x%n", IoUringSupport.features());
        System.out.println("opcodes (" + ops.size() + "): " + String.join(" ", ops));
    }
}
