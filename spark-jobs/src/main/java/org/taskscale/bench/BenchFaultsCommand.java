package org.taskscale.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.taskscale.config.TaskscaleConfig;
import org.taskscale.config.UserException;
import org.taskscale.spark.SparkContexts;
import org.taskscale.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code taskscale bench faults}: the fault-injection harness ({@link FaultDrill}) on the bundled photos, with the
 * run directories on the local filesystem or any Hadoop filesystem ({@code --runs-root hdfs://...}).
 */
@Command(name = "faults",
        description = "Kill training (SIGKILL) at random moments, many inside its writes, resume after each, and check"
                + " that no file is partial, metrics.csv never repeats an iteration and the final model equals an"
                + " uninterrupted run's. Prints kills, kills inside a write, resumes and mismatches; exit 1 on a failure.")
final class BenchFaultsCommand extends BenchTool {
    @Option(names = "--kills", defaultValue = "20", description = "SIGKILLs to deliver. Default: ${DEFAULT-VALUE}.")
    int kills;

    @Option(names = "--runs-root", description = "Where the two run directories go (local path, hdfs://, s3a://);"
            + " default: a temporary folder, removed afterwards. A new folder faults-<time> is made inside it.")
    String runsRoot;

    @Option(names = "--write-delay", defaultValue = "150", description = "Milliseconds every write of the drilled"
            + " training pauses half-way, so that kills land inside writes. Default: ${DEFAULT-VALUE}.")
    int writeDelay;

    @Option(names = "--epochs", defaultValue = "4", description = "Training budget of both runs. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--iterations", defaultValue = "0", description = "A budget in iterations as well (whichever comes"
            + " first; 0: the epochs alone), e.g. a little past one epoch to check resume across an epoch's end."
            + " Default: ${DEFAULT-VALUE}.")
    long iterations;

    @Option(names = "--seed", defaultValue = "1", description = "Seeds the kill moments. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--data", description = "A prep output of the rescale task to train on (any Hadoop filesystem);"
            + " default: the bundled photos, prepared into 14 batch files an epoch.")
    String data;

    @Option(names = "--checkpoint-iterations", defaultValue = "2", description = "How often both runs checkpoint."
            + " Default: ${DEFAULT-VALUE}.")
    int checkpointIterations;

    @Option(names = "--mode", defaultValue = "single", description = "Where both runs train: single (this process)"
            + " or spark (parameter averaging on local[2], two workers). Default: ${DEFAULT-VALUE}.")
    String mode;

    @Override
    int measure(PrintWriter out) throws Exception {
        if (kills < 1 || writeDelay < 0 || epochs < 1 || checkpointIterations < 1 || iterations < 0) {
            throw new UserException("--kills, --epochs and --checkpoint-iterations must be at least 1 and --write-delay"
                    + " and --iterations at least 0, not " + kills + ", " + epochs + ", " + checkpointIterations + ", "
                    + writeDelay + " and " + iterations + ".");
        }
        TrainConfig.Mode m;
        try {
            m = TrainConfig.Mode.parse(mode);
        } catch (com.typesafe.config.ConfigException e) {
            throw new UserException("--mode " + mode + " is not a training mode; use single or spark.");
        }
        Path tmp = Files.createTempDirectory("taskscale-bench-faults");
        Path home = Path.of(System.getProperty("taskscale.home", "."));
        try {
            String prep = data;
            if (prep == null) {
                try (JavaSparkContext sc = SparkContexts.create(TaskscaleConfig.load(null, Map.of()), "local[2]")) {
                    FaultDrill.prep(sc, home.resolve("datasets-prep/samples"), tmp.resolve("prep"));
                }
                prep = tmp.resolve("prep").toUri().toString();
            }
            String root = runsRoot == null ? tmp.resolve("runs").toUri().toString()
                    : runsRoot.replaceAll("/+$", "") + "/faults-" + System.currentTimeMillis();
            FaultDrill.Report r = FaultDrill.run(new FaultDrill.Options(prep, root, kills, seed, writeDelay, epochs,
                    iterations, checkpointIterations, m), new Configuration(), out);
            return r.passed() ? 0 : 1;
        } finally {
            BenchPrepCommand.deleteTree(tmp);
        }
    }
}
