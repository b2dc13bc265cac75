package org.taskscale.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        subcommands = {QuickstartCommand.class, ImageCommand.class, PrepCommand.class, TrainCommand.class, EvalCommand.class, InferCommand.class, ModelsCommand.class, ZooCommand.class, DatasetsCommand.class, BenchCommand.class, ConfigCommand.class,
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
            String cuda = cudaLibraries();  // first: after ND4J's own attempt the reason is lost
            if (cuda != null) {
                return "ND4J backend did not load: " + cuda;
            }
            try {
                return Backend.current().describe();
            } catch (RuntimeException | LinkageError e) {
                return "ND4J backend did not load: " + root(e);
            }
        }

        /** Why the CUDA build's libraries do not load, or null for a CPU build and where they load. */
        private static String cudaLibraries() {
            try {
                org.bytedeco.javacpp.Loader.load(Class.forName("org.bytedeco.cuda.global.cudart"));
                return null;
            } catch (ClassNotFoundException e) {
                return null;
            } catch (RuntimeException | LinkageError e) {
                if (!driverInstalled()) {
                    return "the NVIDIA driver's libcuda.so.1 is on neither LD_LIBRARY_PATH nor the system library"
                            + " directories: install the NVIDIA driver on this node";
                }
                return "the CUDA libraries do not load (" + root(e) + "); the node needs CUDA 11.6's cuBLAS and"
                        + " cuSOLVER, or a jar built with -Pcuda,cuda-redist";
            }
        }

        /** Whether the driver's user-space library is where the dynamic loader looks. */
        private static boolean driverInstalled() {
            List<String> dirs = new ArrayList<>(List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib",
                    "/lib/x86_64-linux-gnu", "/usr/local/nvidia/lib64", "/usr/lib/wsl/lib"));
            String ld = System.getenv("LD_LIBRARY_PATH");
            if (ld != null) {
                dirs.addAll(List.of(ld.split(":")));
            }
            return dirs.stream().anyMatch(d -> !d.isEmpty() && Files.exists(Path.of(d, "libcuda.so.1")));
        }

        private static String root(Throwable e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return root.toString();
        }
    }
}
