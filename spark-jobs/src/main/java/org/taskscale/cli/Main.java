package org.taskscale.cli;

import org.taskscale.config.ConfigException;
import org.taskscale.config.UserException;
import org.taskscale.image.ImageReadException;
import picocli.CommandLine;

/** Entry point of {@code bin/taskscale} and of the shaded jar under spark-submit. */
public final class Main {
    private Main() {}

    /** Exit code for a bad input file or a bad configuration: the user's to fix, no stack trace. */
    public static final int EXIT_BAD_INPUT = 2;

    public static void main(String[] args) {
        int code = run(args);
        if (System.getProperty("spark.yarn.app.id") != null) {
            // Inside YARN's ApplicationMaster (cluster deploy mode) the driver must return: System.exit would run
            // Spark's shutdown hook before the AM reports its final status, and YARN would record FAILED.
            if (code != 0) {
                throw new IllegalStateException("taskscale " + String.join(" ", args) + " failed with exit code " + code
                        + "; the driver's stderr above says why.");
            }
            return;
        }
        System.exit(code);
    }

    /** Runs the command line and returns the exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The command line with its error handling (tests set its streams). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new TaskscaleCommand());
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            Throwable e = ex;
            while (e.getCause() != null && !(e instanceof ImageReadException) && !(e instanceof ConfigException)) {
                e = e.getCause();
            }
            if (e instanceof ImageReadException ire) {
                line.getErr().println("taskscale: cannot read " + ire.source() + ": " + ire.detail());
                return EXIT_BAD_INPUT;
            }
            if (e instanceof ConfigException ce) {
                line.getErr().println("taskscale: " + ce.getMessage());
                return EXIT_BAD_INPUT;
            }
            if (ex instanceof UserException ue) {
                line.getErr().println("taskscale: " + ue.getMessage());
                return EXIT_BAD_INPUT;
            }
            throw ex;
        });
        return cl;
    }
}
