package org.taskscale.cli;

import org.taskscale.config.UserException;
import org.taskscale.spark.SparkContexts;
import com.typesafe.config.Config;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The preamble every job command shares, once: its flags become configuration overrides, the configuration is
 * loaded, shown and stopped at under {@code --show-config}, every block the job reads is validated before anything
 * starts, and then the job runs (starting Spark through {@link #spark} if it needs it).
 */
abstract class JobCommand implements Callable<Integer> {
    @Mixin
    SparkMaster sparkMaster;

    @Mixin
    ConfigOptions options;

    @Spec
    CommandSpec spec;

    /** Turns the command's flags into configuration overrides on {@code options} (before loading). */
    void flags() {}

    /** The resolved configuration: the experiment file (if any), the overrides and the defaults. */
    abstract Config load();

    /** Reads every block the job uses, so that a bad value fails naming its key before Spark starts. */
    abstract void validate(Config c);

    /** Runs the job; returns the exit code. */
    abstract int run(Config c, PrintWriter out) throws Exception;

    /** True when the job's {@link IllegalArgumentException}s are the user's to fix (a missing model or folder). */
    boolean illegalArgumentsAreUserErrors() {
        return false;
    }

    /** The job's Spark context (see {@code SparkContexts}). */
    final JavaSparkContext spark(Config c) {
        return sparkMaster.start(c);
    }

    @Override
    public final Integer call() throws Exception {
        flags();
        Config c = load();
        PrintWriter out = spec.commandLine().getOut();
        if (options.showIfAsked(c, out)) {
            return 0;
        }
        validate(c);
        try {
            return run(c, out);
        } catch (IllegalArgumentException e) {
            if (illegalArgumentsAreUserErrors()) {
                throw new UserException(e.getMessage());
            }
            throw e;
        }
    }
}
