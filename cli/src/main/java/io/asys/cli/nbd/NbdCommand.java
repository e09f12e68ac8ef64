package io.asys.cli.nbd;

import io.asys.Asys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code asys nbd serve FILE}: serves a file or block device to NBD clients, all its I/O through asys. */
@Command(name = "nbd", mixinStandardHelpOptions = true,
        description = "Network block device (NBD) server whose disk and network I/O go through asys.",
        subcommands = {NbdCommand.Serve.class})
public final class NbdCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code asys nbd serve}: runs until interrupted (SIGINT or SIGTERM). */
    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Serve FILE (a file or block device) as an NBD export (fixed newstyle; "
                    + "nbd://ADDR:PORT/ with any of nbdinfo, nbdcopy, nbdsh, qemu-img, fio's nbd engine).")
    static final class Serve implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "the file or block device to export")
        Path file;

        @Option(names = "--port", defaultValue = "10809", description = "TCP port (0: any free port; default ${DEFAULT-VALUE})")
        int port;

        @Option(names = "--bind", defaultValue = "127.0.0.1", description = "address to listen on (default ${DEFAULT-VALUE})")
        String bind;

        @Option(names = "--name", defaultValue = "", description = "export name besides the default \"\"")
        String name;

        @Option(names = "--readonly", description = "refuse writes, trims and zeroes (EPERM)")
        boolean readOnly;

        @Option(names = "--direct", description = "open FILE with O_DIRECT (requests must be 4 KiB aligned)")
        boolean direct;

        @Option(names = "--engine", defaultValue = "auto", description = "auto, uring or workers (default ${DEFAULT-VALUE})")
        String engine;

        @Option(names = "--rings", defaultValue = "3", description = "engines (a ring and a thread each): the first "
                + "for the network, small reads and all writes, the others for large reads in turn; 1 runs all on one "
                + "(default ${DEFAULT-VALUE})")
        int rings;

        @Option(names = "--pin", description = "pin the network engine's thread and its io_uring workers (the "
                + "writes) to one CPU (--pin-cpu) for the server's life: faster 1 MiB writes, 4 KiB reads that depend "
                + "on where the client runs (see docs/nbd.md)")
        boolean pin;

        @Option(names = "--pin-writes", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "pin the network engine and its io_uring workers to one CPU (--pin-cpu) only while "
                        + "writes of 128 KiB or more arrive, unpinned 200 ms after the last (default; "
                        + "--no-pin-writes: never; io_uring only)")
        boolean pinWrites;

        @Option(names = "--mapped-reads", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "send reads of 128 KiB or more whose pages are all in memory straight from the mapped "
                        + "export: one copy instead of two (default; 1 MiB reads at depth 8: 15 to 75%% more IOPS and "
                        + "a third less server CPU per read in same-run rounds, behind in some runs for a cause not "
                        + "found, see docs/nbd.md; --no-mapped-reads: every read copies through a buffer)")
        boolean mappedReads;

        @Option(names = "--pin-cpu", paramLabel = "CPU", defaultValue = "-1",
                description = "the CPU of --pin and --pin-writes, one this process may use (default: the last it may use)")
        int pinCpu;

        @Override
        public Integer call() throws Exception {
            int cpu = io.asys.uring.IoUringConfig.CPU_ANY;
            if (pin || pinWrites) {
                try {
                    cpu = pinTarget();
                } catch (IllegalArgumentException e) {
                    System.err.println("asys nbd: " + e.getMessage());
                    return 2;
                }
            }
            return serve(pin ? cpu : io.asys.uring.IoUringConfig.CPU_ANY, pin ? io.asys.uring.IoUringConfig.CPU_ANY : cpu);
        }

        /** The CPU asked for with --pin-cpu, else the last this process may use. */
        private int pinTarget() throws io.asys.ErrnoException {
            int[] allowed = io.asys.uring.CpuAffinity.allowed();
            if (pinCpu < 0) {
                // The last rather than the first: on the 2-CPU machine of docs/nbd.md, 1 MiB writes pinned
                // on CPU 1 ran ahead of unpinned in 6 of 6 same-run rounds (+11 to +43%), on CPU 0 in 7 of 8
                // with wider swings (-9 to +40%).
                return allowed[allowed.length - 1];
            }
            if (java.util.Arrays.stream(allowed).noneMatch(c -> c == pinCpu)) {
                throw new IllegalArgumentException("--pin-cpu " + pinCpu + ": not a CPU this process may use (it may use "
                        + java.util.Arrays.toString(allowed) + ")");
            }
            return pinCpu;
        }

        private Integer serve(int cpu, int writeCpu) throws Exception {
            if (engine.equals("workers") && System.getProperty(Asys.WORKERS_PROP_NAME) == null) {
                // On workers every idle client holds one worker in its recv: leave room for the disk.
                System.setProperty(Asys.WORKERS_PROP_NAME, "64");
            }
            if (rings < 1 || rings > 16) {
                System.err.println("asys nbd: --rings takes 1 to 16");
                return 2;
            }
            Asys asys = Asys.open(engine, cpu);
            Asys[] disk = new Asys[Math.max(1, rings - 1)];
            for (int i = 0; i < disk.length; i++) {
                disk[i] = rings == 1 ? asys : Asys.open(engine);
            }
            NbdServer server;
            try {
                server = NbdServer.start(asys, disk, file, name, new InetSocketAddress(InetAddress.getByName(bind), port),
                        readOnly, direct, System.err);
            } catch (java.io.IOException e) {
                closeAll(asys, disk);
                System.err.println("asys nbd: " + e.getMessage());
                return 1;
            }
            String notMapped = mappedReads ? server.useMappedReads(true) : null;
            if (notMapped != null && !direct) {
                // An O_DIRECT export is never mapped, and says so in its own option.
                System.err.println("asys nbd: large reads copy through a buffer: " + notMapped);
            }
            if (writeCpu != io.asys.uring.IoUringConfig.CPU_ANY && !asys.engine().equals("workers")) {
                server.pinWhileWriting(writeCpu);
            }
            InetSocketAddress at = server.address();
            System.out.printf("asys nbd: serving %s (%d bytes%s%s) on %s:%d, engine %s%n", file, server.size(),
                    readOnly ? ", read-only" : "", direct ? ", O_DIRECT" : "",
                    at.getAddress().getHostAddress(), at.getPort(), asys.engine());
            System.out.flush();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                closeAll(asys, disk);
                stopped.countDown();
            }));
            stopped.await();
            return 0;
        }

        private static void closeAll(Asys net, Asys[] disk) {
            for (Asys a : disk) {
                if (a != net) {
                    a.close();
                }
            }
            net.close();
        }
    }
}
