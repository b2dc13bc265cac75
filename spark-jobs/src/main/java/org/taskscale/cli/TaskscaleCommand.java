package org.taskscale.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.taskscale.bench.BenchCommand;
import org.taskscale.layers.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.IVersionProvider;

/** The top-level {@code taskscale} command; each capability is a subcommand. */
@Command(name = "taskscale", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, versionProvider = TaskscaleCommand.Version.class,
        description = "Train, evaluate and run image-reconstruction models (learned rescaling, super-resolution,"
                + " JPEG restoration, colorization) on Spark.",
        subcommands = {QuickstartCommand.class, ImageCommand.class, PrepCommand.class, TrainCommand.class, EvalCommand.class, InferCommand.class, ModelsCommand.class, BenchCommand.class, ConfigCommand.class,
            picocli.CommandLine.HelpCommand.class})
public final class TaskscaleCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version and backend Maven wrote into version.properties, and the ND4J backend this JVM loads. */
    public static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = TaskscaleCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"taskscale " + p.getProperty("version", "unknown") + ", built on "
                    + p.getProperty("backend", "an unknown ND4J backend"),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
                    backendLine()};
        }

        /** The loaded backend and its devices, or why it did not load (a CUDA build on a node without a driver). */
        static String backendLine() {
            try {
                return Backend.current().describe();
            } catch (RuntimeException | LinkageError e) {
                Throwable root = e;
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                return "ND4J backend did not load: " + root;
            }
        }
    }
}
