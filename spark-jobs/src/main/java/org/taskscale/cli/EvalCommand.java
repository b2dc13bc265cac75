package org.taskscale.cli;

import com.typesafe.config.Config;
import java.io.PrintWriter;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.taskscale.config.UserException;
import org.taskscale.eval.EvalConfig;
import org.taskscale.eval.EvalJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code taskscale eval CONF}: the sweep of {@code taskscale.eval} (checkpoints x datasets x scales / qualities) on
 * Spark; {@code taskscale eval --model M --images DIR [--task T] ... --out OUT}: one model, in this process.
 */
@Command(name = "eval",
        description = "Evaluate checkpoints on folders of whole images with the standard protocol (PSNR-Y/SSIM-Y against"
                + " the task's baseline): the sweep of CONF's taskscale.eval block on Spark, or one model with --model."
                + " Writes OUT/eval.json, OUT/eval.csv and OUT/report.html.")
public final class EvalCommand extends ExperimentJobCommand {
    @Option(names = "--model", description = "One model zip (a run's model.zip, a checkpoint, or zoo:NAME of"
            + " bin/taskscale zoo): the single-model form.")
    String model;

    @Option(names = "--images", description = "Folder of images for --model (any Hadoop filesystem).")
    String images;

    @Mixin
    TaskOption task;

    @Option(names = "--scale", defaultValue = "0", description = "Scale to evaluate at (default: the model's).")
    int scale;

    @Option(names = "--quality", defaultValue = "10", description = "JPEG quality of restoration models. Default: ${DEFAULT-VALUE}.")
    int quality;

    @Option(names = "--lr-jpeg", split = ",", paramLabel = "Q", description = "Rescaling: store the learned and the"
            + " bicubic LR image as a JPEG of quality Q before upscaling, as a shared image is; a list evaluates each"
            + " (0: as it is), e.g. 0,30,50,75,90 (taskscale.eval.lr-jpeg).")
    java.util.List<Integer> lrJpeg;

    @Option(names = "--out", description = "Output directory (taskscale.eval.out).")
    String out;

    @Option(names = "--tile", description = "Tile side in pixels, 0 = whole images (taskscale.eval.tile).")
    Integer tile;

    @Override
    void flags() {
        options.setString("taskscale.eval.out", out);
        options.set("taskscale.eval.tile", tile);
        options.set("taskscale.eval.lr-jpeg", lrJpeg == null ? null : lrJpeg.toString());
    }

    @Override
    void validate(Config c) {
        if (model != null && (images == null || conf != null)) {
            throw new UserException("The single-model form takes --model and --images (and no CONF).");
        }
        if (model == null && (images != null || task.name != null)) {
            throw new UserException("--images and --task belong to the single-model form: give --model too.");
        }
        job = model == null ? EvalConfig.from(c) : EvalConfig.single(c, model, images, task.task(), scale, quality);
    }

    /** The sweep of CONF, or the single-model form's one model on one folder; checked by {@link #validate}. */
    private EvalConfig job;

    @Override
    boolean illegalArgumentsAreUserErrors() {
        return true;  // a missing model or checkpoint, a folder without images
    }

    @Override
    int run(Config c, PrintWriter w) throws Exception {
        if (model != null) {
            EvalJob.run(job, null, new Configuration(), "taskscale evaluation: " + model, w);
            return 0;
        }
        try (JavaSparkContext jsc = spark(c)) {
            EvalJob.run(job, jsc, jsc.hadoopConfiguration(), "taskscale evaluation sweep", w);
        }
        return 0;
    }
}
