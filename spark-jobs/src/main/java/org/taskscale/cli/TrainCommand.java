package org.taskscale.cli;

import com.typesafe.config.Config;
import java.io.PrintWriter;
import org.apache.spark.api.java.JavaSparkContext;
import org.taskscale.config.UserException;
import org.taskscale.models.ModelConfig;
import org.taskscale.train.TrainConfig;
import org.taskscale.train.TrainJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code taskscale train [CONF]}: trains {@code taskscale.model} on a prep output ({@code taskscale.train.data})
 * into {@code <runs-root>/<experiment>}, resuming from the newest checkpoint there. Runs the same under
 * spark-submit of the shaded jar.
 */
@Command(name = "train",
        description = "Train a registered model on a prep output with checkpoints, validation and resume"
                + " (taskscale.train and taskscale.model blocks).")
public final class TrainCommand extends ExperimentJobCommand {
    @Option(names = "--data", description = "Prep output directory (taskscale.train.data).")
    String data;

    @Option(names = "--experiment", description = "Run name (taskscale.train.experiment).")
    String experiment;

    @Option(names = "--model", description = "Registered architecture (taskscale.model.name).")
    String model;

    @Option(names = "--fresh", description = "Refuse to start if the run directory already holds checkpoints.")
    boolean fresh;

    @Option(names = "--resume", description = "Resume from the newest checkpoint (the default; stated for scripts).")
    boolean resume;

    @Option(names = "--load", description = "Start a new run from this model zip (any Hadoop filesystem,"
            + " or zoo:NAME of bin/taskscale zoo): its weights go into the configured network when their parameters"
            + " match (a robust rescaler from a plain one, say), else its saved network trains as it is.")
    String load;

    @Option(names = "--valid-only", description = "Only validate the model (resumed checkpoint or --load) on the"
            + " prep output's valid/ split; no training.")
    boolean validOnly;

    @Override
    void flags() {
        if (fresh && resume) {
            throw new UserException("--fresh and --resume contradict each other: give one.");
        }
        options.setString("taskscale.train.data", data);
        options.setString("taskscale.train.experiment", experiment);
        options.setString("taskscale.model.name", model);
    }

    @Override
    void validate(Config c) {
        TrainConfig.from(c);
        ModelConfig.from(c);
    }

    @Override
    int run(Config c, PrintWriter out) throws Exception {
        TrainJob.Options opts = new TrainJob.Options(fresh, load, validOnly);
        if (!TrainConfig.from(c).usesSpark() || validOnly) {
            TrainJob.run(c, null, opts, out);
            return 0;
        }
        try (JavaSparkContext jsc = spark(c)) {
            TrainJob.run(c, jsc, opts, out);
        }
        return 0;
    }
}
