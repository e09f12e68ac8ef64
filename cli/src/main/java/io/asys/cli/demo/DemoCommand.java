package io.asys.cli.demo;

import io.asys.Asys;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code asys demo}: a short tour of the system's ideas on a temporary directory, each step a few lines. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "A short tour (seconds) of what asys does, on a temporary directory it removes afterwards.")
public final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Path dir = Files.createTempDirectory("asys-demo-");
        List<DemoStep> steps = DemoSteps.all();
        int failed = 0;
        try (Asys asys = Asys.open()) {
            for (int i = 0; i < steps.size(); i++) {
                DemoStep step = steps.get(i);
                out.printf("%d. %s%n", i + 1, step.title());
                try {
                    step.run(asys, dir, out);
                } catch (Exception e) {
                    failed++;
                    out.println("  failed: " + e);
                }
            }
        } finally {
            delete(dir);
        }
        return failed == 0 ? 0 : 1;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
