package org.taskscale.cli;

import com.typesafe.config.Config;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.taskscale.models.ModelConfig;
import org.taskscale.train.TrainConfig;
import org.taskscale.train.TrainJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code taskscale train [CONF]}: trains {@code taskscale.model} on a prep output ({@code taskscale.train.data})
 * into {@code <runs-root>/<experiment>}, resuming from the newest checkpoint there. Runs the same under
 * spark-submit of the shaded jar.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a registered model on a prep output with checkpoints, validation and resume"
                + " (taskscale.train and taskscale.model blocks).")
public final class TrainCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "CONF", description = "Experiment file (HOCON).")
    Path conf;

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

    @Option(names = "--load", description = "Start a new run from this model zip (any Hadoop filesystem).")
    String load;

    @Option(names = "--valid-only", description = "Only validate the model (resumed checkpoint or --load) on the"
            + " prep output's valid/ split; no training.")
    boolean validOnly;

    @Mixin
    SparkMaster sparkMaster;

    @Mixin
    ConfigOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (fresh && resume) {
            throw new UserException("--fresh and --resume contradict each other: give one.");
        }
        options.setString("taskscale.train.data", data);
        options.setString("taskscale.train.experiment", experiment);
        options.setString("taskscale.model.name", model);
        Config c = options.load(conf);
        PrintWriter out = spec.commandLine().getOut();
        if (options.showIfAsked(c, out)) {
            return 0;
        }
        TrainConfig t = TrainConfig.from(c);  // bad values fail here, before Spark starts
        ModelConfig.from(c);
        TrainJob.Options opts = new TrainJob.Options(fresh, load, validOnly);
        if (t.mode().equals("single") || validOnly) {
            TrainJob.run(c, null, opts, out);
            return 0;
        }
        try (JavaSparkContext jsc = sparkMaster.start(c)) {
            TrainJob.run(c, jsc, opts, out);
        }
        return 0;
    }
}
