package io.asys.cli.demo;

import io.asys.Asys;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * One stop of {@code asys demo}: shows one idea of the system in a few lines of output. Steps run
 * one after another on the caller's thread, sharing one {@link Asys} and one temporary directory.
 */
interface DemoStep {
    /** A short title, printed before the step runs. */
    String title();

    /** Runs the step, printing what it shows to {@code out}; an exception fails only this step. */
    void run(Asys asys, Path dir, PrintStream out) throws Exception;

    /** A step for a part of asys that is not built yet: says so, and which issue builds it. */
    static DemoStep notYetBuilt(String title, String what, String issue) {
        return new DemoStep() {
            @Override
            public String title() {
                return title;
            }

            @Override
            public void run(Asys asys, Path dir, PrintStream out) {
                out.println("  not yet built: " + what + " (" + issue + ", in progress)");
            }
        };
    }
}
