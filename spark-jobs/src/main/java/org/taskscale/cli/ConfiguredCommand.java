package org.taskscale.cli;

import com.typesafe.config.Config;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.taskscale.config.UserException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The preamble every command that reads the configuration shares, once: its flags become configuration
 * overrides, the configuration is loaded, shown and stopped at under {@code --show-config}, everything the command
 * reads is validated before anything starts, and then it runs.
 */
abstract class ConfiguredCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Spec
    CommandSpec spec;

    /** Turns the command's flags into configuration overrides on {@code options} (before loading). */
    void flags() {}

    /** The resolved configuration: the experiment file (if any), the overrides and the defaults. */
    Config load() {
        return options.load(null);
    }

    /** Reads everything the command uses, so that a bad value fails naming its key before any work starts. */
    void validate(Config c) {}

    /** Runs the command; returns the exit code. */
    abstract int run(Config c, PrintWriter out) throws Exception;

    /** True when the command's {@link IllegalArgumentException}s are the user's to fix (a missing model or folder). */
    boolean illegalArgumentsAreUserErrors() {
        return false;
    }

    @Override
    public Integer call() throws Exception {
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
