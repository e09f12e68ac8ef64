package io.asys.cli;

import io.asys.cli.bench.BenchCommand;
import io.asys.cli.bench.CompareCommand;
import io.asys.cli.demo.DemoCommand;
import io.asys.cli.fuzz.FuzzCommand;
import io.asys.cli.hash.HashCommand;
import io.asys.cli.nbd.NbdCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code asys} command-line tool: one subcommand per job. */
@Command(name = "asys", mixinStandardHelpOptions = true, version = "asys 0.1.0",
        description = "Asynchronous system calls for the JVM: io_uring from pure Java.",
        subcommands = {BenchCommand.class, CompareCommand.class, HashCommand.class, DemoCommand.class, FuzzCommand.class,
            InfoCommand.class, NbdCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
