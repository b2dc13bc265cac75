package org.taskscale.cli;

import com.typesafe.config.Config;
import java.io.PrintWriter;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.taskscale.prep.PrepConfig;
import org.taskscale.prep.PrepJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code taskscale prep [CONF] [flags]}: photos to pre-batched training files (the {@code taskscale.prep}
 * block; flags set its common keys). The same class runs under spark-submit of the shaded jar.
 */
@Command(name = "prep",
        description = "Cut photo collections (local, hdfs://, s3a://) into augmented training patches and write them"
                + " as pre-batched DL4J files with manifest.json and rejects.csv. Flags set taskscale.prep keys.")
public final class PrepCommand extends ExperimentJobCommand {
    @Option(names = "--task", description = "rescale, sr, sr-upsampled, jpeg, colorize or color-embed.")
    String task;

    @Option(names = "--input", description = "Photo directory, file or glob (repeatable; any Hadoop filesystem).")
    List<String> inputs;

    @Option(names = "--list-file", description = "A file listing one photo path per line.")
    String listFile;

    @Option(names = "--output", description = "Output directory.")
    String output;

    @Option(names = "--patch", description = "Patch side in HR pixels.")
    Integer patch;

    @Option(names = "--quality", description = "JPEG quality of the jpeg task.")
    Integer quality;

    @Option(names = "--quality-max", description = "Upper end of a JPEG quality range (each patch draws one).")
    Integer qualityMax;

    @Option(names = "--patches-per-image", description = "Random patches per photo (0: a regular grid).")
    Integer patchesPerImage;

    @Option(names = "--scale", description = "Downscaling factor (rescale, sr, sr-upsampled).")
    Integer scale;

    @Option(names = "--minibatch", description = "Examples per batch file.")
    Integer minibatch;

    @Option(names = "--seed", description = "Seed of every random choice.")
    Long seed;

    @Option(names = "--overwrite", description = "Replace an existing output directory.")
    boolean overwrite;

    @Option(names = "--dry-run", description = "List the photos and print the split and partition counts and the"
            + " driver's memory; read no photo and write nothing.")
    boolean dryRun;

    @Override
    void flags() {
        String k = "taskscale.prep.";
        options.set(k + "task", task);
        if (inputs != null && !inputs.isEmpty()) {
            options.overrides.put(k + "inputs", "[" + String.join(", ", inputs.stream().map(ConfigOptions::quote).toList()) + "]");
        }
        options.setString(k + "list-file", listFile);
        options.setString(k + "output", output);
        options.set(k + "patch-size", patch);
        options.set(k + "jpeg-quality", quality);
        options.set(k + "jpeg-quality-max", qualityMax);
        options.set(k + "patches-per-image", patchesPerImage);
        options.set(k + "scale", scale);
        options.set(k + "minibatch", minibatch);
        options.set(k + "seed", seed);
        options.set(k + "overwrite", overwrite ? "true" : null);
    }

    @Override
    void validate(Config c) {
        PrepConfig.from(c);
    }

    @Override
    int run(Config c, PrintWriter out) throws Exception {
        try (JavaSparkContext jsc = spark(c)) {
            if (dryRun) {
                PrepJob.dryRun(c, jsc, out);
            } else {
                PrepJob.run(c, jsc, out);
            }
        }
        return 0;
    }
}
