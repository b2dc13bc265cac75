package org.taskscale.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.taskscale.eval.SingleModelEval;
import org.taskscale.prep.PrepTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code taskscale eval --model M --images DIR --task T ... --out OUT}: one model on whole images. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a model on a folder of whole images with the standard protocol (PSNR-Y/SSIM-Y against"
                + " the task's baseline); writes OUT/eval.json and OUT/eval.csv.")
public final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model zip (a run's model.zip or a checkpoint).")
    String model;

    @Option(names = "--images", required = true, description = "Folder of images (any Hadoop filesystem).")
    String images;

    @Option(names = "--task", required = true, description = "rescale, sr, sr-upsampled, jpeg, colorize or color-embed.")
    String task;

    @Option(names = "--scale", defaultValue = "2", description = "Scale of rescale and SR tasks. Default: ${DEFAULT-VALUE}.")
    int scale;

    @Option(names = "--quality", defaultValue = "10", description = "JPEG quality of the jpeg task. Default: ${DEFAULT-VALUE}.")
    int quality;

    @Option(names = "--out", required = true, description = "Output directory.")
    String out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        SingleModelEval.run(model, images, PrepTask.parse(task).task(), scale, quality, out, new Configuration(), w);
        return 0;
    }
}
