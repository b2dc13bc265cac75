package org.taskscale.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.taskscale.config.TaskscaleConfig;
import org.taskscale.config.UserException;
import org.taskscale.eval.EvalConfig;
import org.taskscale.eval.EvalJob;
import org.taskscale.eval.EvalResults;
import org.taskscale.io.Manifest;
import org.taskscale.models.ModelConfig;
import org.taskscale.prep.PrepConfig;
import org.taskscale.prep.PrepJob;
import org.taskscale.train.TrainConfig;
import org.taskscale.train.TrainJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code taskscale quickstart}: the whole product on the bundled photos with embedded defaults
 * ({@code quickstart.conf} beside this class): prep on Spark, training of the x2 task-aware rescaler for a fixed
 * budget, evaluation of the best model (whole images, against bicubic) on held-out photos that chose nothing, and on
 * the validation photos that chose it, and the report.
 * Writes {@code runs/quickstart/{model.zip, eval/eval.json, eval/eval.csv, eval/report.html}} and prints the report's path.
 * Starts over each time (its own prep output and run directory are replaced).
 */
@Command(name = "quickstart",
        description = "Prep, train (x2 task-aware rescaler, fixed budget), evaluate against bicubic and report, on the"
                + " bundled photos: writes runs/quickstart/{model.zip,eval/eval.json,report.html}.")
public final class QuickstartCommand extends JobCommand {
    @Option(names = "--minutes", description = "Training budget in minutes (taskscale.train.minutes; default 9).")
    Double minutes;

    @Override
    void flags() {
        if (minutes != null) {
            if (!(minutes > 0)) {
                throw new UserException("--minutes must be positive, not " + minutes + ".");
            }
            options.set("taskscale.train.minutes", minutes);
        }
    }

    /** The embedded quickstart.conf under the overrides; relative photo inputs are taken from the installation. */
    @Override
    Config load() {
        Config c = TaskscaleConfig.loadWith(ConfigFactory.parseResources(QuickstartCommand.class, "quickstart.conf"),
                options.overrides);
        return c.withValue("taskscale.prep.inputs", ConfigValueFactory.fromIterable(
                        c.getStringList("taskscale.prep.inputs").stream().map(QuickstartCommand::home).toList()))
                .withValue(HELD_OUT, ConfigValueFactory.fromAnyRef(home(c.getString(HELD_OUT))));
    }

    /** The photos of the headline figure: they neither trained the model nor chose its checkpoint or settings. */
    private static final String HELD_OUT = "taskscale.eval.datasets.held-out";

    @Override
    void validate(Config c) {
        PrepConfig.from(c);
        TrainConfig.from(c);
        ModelConfig.from(c);
    }

    @Override
    int run(Config c, PrintWriter out) throws Exception {
        long t0 = System.nanoTime();
        TrainConfig t = TrainConfig.from(c);
        ModelConfig m = ModelConfig.from(c);
        String run = t.runDir();
        out.printf(Locale.ROOT, "quickstart: %s x%d (%d channels) on %s, %s of training; run directory %s%n", m.name(),
                m.scale(), m.channels(), c.getStringList("taskscale.prep.inputs"), budget(t), run);
        out.flush();
        org.apache.hadoop.fs.Path runDir = new org.apache.hadoop.fs.Path(run);
        FileSystem runFs = runDir.getFileSystem(new org.apache.hadoop.conf.Configuration());
        if (runFs.exists(runDir)) {
            String foreign = foreignEntry(runFs, runDir);
            if (foreign != null) {
                throw new UserException("The quickstart starts over by removing its run directory " + runDir + ", but it "
                        + foreign + ", which a quickstart does not write; move it away or choose another"
                        + " taskscale.train.experiment.");
            }
            out.printf("quickstart: starting over: removing the previous %s%n", runDir);
            runFs.delete(runDir, true);
        }
        List<String> stages = new ArrayList<>();
        try (JavaSparkContext jsc = spark(c)) {
            long s = System.nanoTime();
            out.println("quickstart: [1/3] prep");
            Manifest man = PrepJob.run(c, jsc, out);
            stages.add(String.format(Locale.ROOT, "prep %.0f s", (System.nanoTime() - s) / 1e9));
            s = System.nanoTime();
            out.println("quickstart: [2/3] train");
            out.flush();
            TrainJob.run(c, t.usesSpark() ? jsc : null, new TrainJob.Options(true, null, false), out);
            stages.add(String.format(Locale.ROOT, "train %.0f s", (System.nanoTime() - s) / 1e9));
            s = System.nanoTime();
            out.printf("quickstart: [3/3] evaluate whole, against bicubic, on the held-out photos (%s) and the %d"
                    + " validation photo(s)%n", c.getString(HELD_OUT), man.contents().validPhotos().size());
            out.flush();
            Config ec = c.withValue("taskscale.eval.checkpoints",
                            ConfigValueFactory.fromIterable(List.of(run + "/model.zip")))
                    .withValue("taskscale.eval.datasets.valid", ConfigValueFactory.fromIterable(man.contents().validPhotos()));
            EvalJob.Result res = EvalJob.run(EvalConfig.from(ec), jsc, jsc.hadoopConfiguration(),
                    "taskscale quickstart: x2 task-aware rescaling on the bundled photos", out);
            stages.add(String.format(Locale.ROOT, "eval %.0f s", (System.nanoTime() - s) / 1e9));
            // the headline last: the held-out photos
            for (EvalResults.Summary sum : res.summary().stream().sorted(java.util.Comparator.comparing(
                    (EvalResults.Summary x) -> x.dataset().equals("held-out"))).toList()) {
                boolean heldOut = sum.dataset().equals("held-out");
                out.printf(Locale.ROOT, "quickstart: learned x2 rescaling %.2f dB PSNR-Y vs bicubic %.2f dB (%+.2f dB) on %d"
                                + " %s; LR preview %.2f dB against bicubic LR%n", sum.psnrY(), sum.baselinePsnrY(), sum.gain(),
                        sum.images(), heldOut ? "held-out photo(s) that chose nothing" : "validation photo(s) that chose"
                                + " the checkpoint", sum.lrPsnrY());
            }
            out.printf(Locale.ROOT, "quickstart: done in %.1f min (%s)%n", (System.nanoTime() - t0) / 6e10,
                    String.join(", ", stages));
            out.printf("quickstart: report %s%n", res.report());
            out.flush();
        }
        return 0;
    }

    /** What a quickstart run directory holds: the training run's files (devices.json too) and the evaluation's folder. */
    private static final List<String> RUN_FILES = List.of("config.conf", "metrics.csv", "model.zip", "checkpoints",
            "export", "eval", "eval.json", "eval.csv", "report.html", "devices.json");

    /** "holds PATH" for the first entry of {@code dir} that a quickstart did not write, or null. */
    private static String foreignEntry(FileSystem fs, org.apache.hadoop.fs.Path dir) throws java.io.IOException {
        for (org.apache.hadoop.fs.FileStatus st : fs.listStatus(dir)) {
            String name = st.getPath().getName();
            if (!RUN_FILES.contains(name) && !org.taskscale.io.AtomicWrites.isTemporary(name)) {
                return "holds " + st.getPath();
            }
        }
        return null;
    }

    private static String budget(TrainConfig t) {
        List<String> b = new ArrayList<>();
        if (t.minutes() > 0) {
            b.add(t.minutes() + " min");
        }
        if (t.epochs() > 0) {
            b.add(t.epochs() + " epochs");
        }
        if (t.iterations() > 0) {
            b.add(t.iterations() + " iterations");
        }
        return String.join(" or ", b);
    }

    /** A relative input that is not under the working directory is taken from the installation (bin/taskscale's). */
    static String home(String input) {
        String home = System.getProperty("taskscale.home");
        if (home == null || input.contains("://") || Path.of(input).isAbsolute() || Files.exists(Path.of(input))) {
            return input;
        }
        return Path.of(home).resolve(input).toString();
    }
}
