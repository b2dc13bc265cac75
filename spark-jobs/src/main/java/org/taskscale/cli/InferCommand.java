package org.taskscale.cli;

import com.typesafe.config.Config;
import java.io.PrintWriter;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.taskscale.config.UserException;
import org.taskscale.infer.InferJob;
import org.taskscale.tasks.Mode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code taskscale infer --model M --mode MODE IN... --out DIR}: a model on photos of any size, tiled. */
@Command(name = "infer",
        description = "Apply a model to photos of any size (files, folders or globs on any Hadoop filesystem) in tiles"
                + " that give exactly the whole-image result; writes 8-bit PNGs into --out. Modes: downscale (a"
                + " rescaler's LR preview), upscale (a rescaler's upscaler on an LR image, or an SR model), restore"
                + " (JPEG artifacts), colorize.")
public final class InferCommand extends JobCommand {
    @Option(names = "--model", required = true, description = "Model zip (a run's model.zip, a checkpoint, or"
            + " zoo:NAME of bin/taskscale zoo).")
    String model;

    @Option(names = "--mode", required = true, description = "downscale, upscale, restore or colorize.")
    String mode;

    @Parameters(arity = "1..*", paramLabel = "IN", description = "Images, folders or globs.")
    List<String> inputs;

    @Option(names = "--out", required = true, description = "Output folder.")
    String out;

    @Option(names = "--tile", defaultValue = "256", description = "Tile side in input pixels; 0 = whole images"
            + " (memory grows with the image). Default: ${DEFAULT-VALUE}.")
    int tile;

    @Option(names = "--overlap", defaultValue = "-1", description = "Context pixels around each tile: -1 = the"
            + " network's receptive field (exact, the default); 0 = plain non-overlapping patches (SRCNN's patch"
            + " execution; seams); N = N pixels.")
    int overlap;

    @Mixin
    TaskOption task;

    @Option(names = "--scale", defaultValue = "0", description = "The model's scale if its zip does not say it; for"
            + " srcnn, the scale to upscale by.")
    int scale;

    @Option(names = "--spark", description = "Run as a Spark job over the files (one model load per partition).")
    boolean spark;

    @Override
    Config load() {
        return options.load(null);
    }

    /** The job's options, checked by {@link #validate}. */
    private InferJob.Options job;

    @Override
    void validate(Config c) {
        Mode m;
        try {
            m = Mode.parse(mode);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        if (tile < 0 || overlap < -1 || scale < 0) {
            throw new UserException("--tile and --scale must be >= 0 and --overlap >= -1, not " + tile + ", " + scale
                    + " and " + overlap + ".");
        }
        job = new InferJob.Options(model, m, tile, overlap, task.task(), scale, out, c.getLong("taskscale.image.max-pixels"));
    }

    @Override
    boolean illegalArgumentsAreUserErrors() {
        return true;  // a missing model, a mode the model does not have, no images
    }

    @Override
    int run(Config c, PrintWriter w) throws Exception {
        List<InferJob.Outcome> res;
        if (spark) {
            try (JavaSparkContext jsc = spark(c)) {
                res = InferJob.run(inputs, job, jsc, w);
            }
        } else {
            res = InferJob.run(inputs, job, new Configuration(), w);
        }
        // skipped files are named on the console and in rejects.csv; the good ones were written: success
        return res.isEmpty() ? Main.EXIT_BAD_INPUT : 0;
    }
}
