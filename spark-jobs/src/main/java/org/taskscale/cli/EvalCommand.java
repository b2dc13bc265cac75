package org.taskscale.cli;

import com.typesafe.config.Config;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.taskscale.eval.EvalConfig;
import org.taskscale.eval.EvalJob;
import org.taskscale.tasks.Task;
import org.taskscale.tasks.Tasks;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code taskscale eval CONF}: the sweep of {@code taskscale.eval} (checkpoints x datasets x scales / qualities) on
 * Spark; {@code taskscale eval --model M --images DIR [--task T] ... --out OUT}: one model, in this process.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate checkpoints on folders of whole images with the standard protocol (PSNR-Y/SSIM-Y against"
                + " the task's baseline): the sweep of CONF's taskscale.eval block on Spark, or one model with --model."
                + " Writes OUT/eval.json, OUT/eval.csv and OUT/report.html.")
public final class EvalCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "CONF", description = "Experiment file with a taskscale.eval block.")
    Path conf;

    @Option(names = "--model", description = "One model zip (a run's model.zip or a checkpoint): the single-model form.")
    String model;

    @Option(names = "--images", description = "Folder of images for --model (any Hadoop filesystem).")
    String images;

    @Option(names = "--task", description = "The model's task if its zip does not say it: rescale, sr, sr-upsampled,"
            + " jpeg, colorize or color-embed.")
    String task;

    @Option(names = "--scale", defaultValue = "0", description = "Scale to evaluate at (default: the model's).")
    int scale;

    @Option(names = "--quality", defaultValue = "10", description = "JPEG quality of restoration models. Default: ${DEFAULT-VALUE}.")
    int quality;

    @Option(names = "--out", description = "Output directory (taskscale.eval.out).")
    String out;

    @Option(names = "--tile", description = "Tile side in pixels, 0 = whole images (taskscale.eval.tile).")
    Integer tile;

    @Mixin
    SparkMaster sparkMaster;

    @Mixin
    ConfigOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        options.setString("taskscale.eval.out", out);
        options.set("taskscale.eval.tile", tile);
        Config c = options.load(conf);
        if (options.showIfAsked(c, w)) {
            return 0;
        }
        if (model != null) {
            if (images == null || conf != null) {
                throw new UserException("The single-model form takes --model and --images (and no CONF).");
            }
            Task t = task == null ? null : Tasks.parse(task, "--task");
            EvalConfig single = EvalConfig.single(c, model, images, t, scale,
                    quality);
            try {
                EvalJob.run(single, null, new Configuration(), "taskscale evaluation: " + model, w);
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());  // a missing model or a folder without images
            }
            return 0;
        }
        if (images != null || task != null) {
            throw new UserException("--images and --task belong to the single-model form: give --model too.");
        }
        EvalConfig cfg = EvalConfig.from(c);  // bad values fail here, before Spark starts
        try (JavaSparkContext jsc = sparkMaster.start(c)) {
            EvalJob.run(cfg, jsc, jsc.hadoopConfiguration(), "taskscale evaluation sweep", w);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        return 0;
    }
}
