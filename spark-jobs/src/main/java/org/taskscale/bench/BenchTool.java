package org.taskscale.bench;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A benchmark command: checks its options, then measures and prints its figures to the command's output. */
abstract class BenchTool implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Throws a {@code UserException} naming a bad option before anything is measured. */
    void check() {}

    /** Measures; returns the exit code. */
    abstract int measure(PrintWriter out) throws Exception;

    @Override
    public final Integer call() throws Exception {
        check();
        return measure(spec.commandLine().getOut());
    }
}
