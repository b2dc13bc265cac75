package org.taskscale.bench;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.learning.config.Adam;
import org.taskscale.config.TaskscaleConfig;
import org.taskscale.config.UserException;
import org.taskscale.models.ModelConfig;
import org.taskscale.models.ModelRegistry;
import org.taskscale.prep.PrepJob;
import org.taskscale.spark.SparkContexts;
import org.taskscale.train.SingleProcessTrainer;
import org.taskscale.train.SparkAveragingTrainer;
import org.taskscale.train.TrainConfig;
import org.taskscale.train.TrainJob;
import org.taskscale.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code taskscale bench spark}: training samples/s of one network with dl4j-spark parameter averaging over two
 * one-core workers, divided by the same network trained in one process on one core, on the same prep files (the
 * bundled photos, rescale x2). Run through {@code deploy/local-cluster submit -- bench spark} the workers are two
 * executor processes of a real standalone cluster; under {@code bin/taskscale} they are the two threads of
 * {@code local[2]}. The single-process run confines the driver to one CPU ({@code taskset}); the driver starts with
 * {@code OMP_NUM_THREADS=1}, as the executors do. Each averaging round is one {@code fitPaths} call of
 * {@code workers x frequency} files; the averaging's cost is the intercept of a round's wall time against the
 * frequency, over the frequencies measured.
 * The first epoch of each run is a warm-up and not timed.
 */
@Command(name = "spark",
        description = "Parameter averaging over two one-core workers (deploy/local-cluster submit -- bench spark, or"
                + " local[2]) against single-process training of the same net on one core, on the same prep files;"
                + " prints samples/s of both, spark 2 workers/1 core=R and each averaging round's cost in ms.")
final class BenchSparkCommand extends BenchTool {
    @Option(names = "--arch", defaultValue = "aetad-small", description = "Registered model. Default: ${DEFAULT-VALUE}.")
    String arch;

    @Option(names = "--channels", defaultValue = "32", description = "Its channels. Default: ${DEFAULT-VALUE}.")
    int channels;

    @Option(names = "--epochs", defaultValue = "2", description = "Timed epochs over the files. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--patches-per-image", defaultValue = "240",
            description = "Prep patches per bundled photo (16 per batch file). Default: ${DEFAULT-VALUE}.")
    int perImage;

    @Option(names = "--averaging-frequency", defaultValue = "5,10,20", split = ",",
            description = "Minibatches per worker between averagings; a list measures each. Default: ${DEFAULT-VALUE}.")
    List<Integer> frequencies;

    @Option(names = "--no-pin", description = "Leave the single-process run on all CPUs (ND4J still on one thread).")
    boolean noPin;

    @Override
    int measure(PrintWriter out) throws IOException {
        // oneDNN's OpenMP team is sized when the process starts; two of its threads confined to one CPU spin against
        // each other (the baseline ran several times slower), so the driver must start with one
        String omp = System.getenv("OMP_NUM_THREADS");
        if (!"1".equals(omp)) {
            throw new UserException("bench spark compares with one process on one core and needs OMP_NUM_THREADS=1 in"
                    + " its environment, where it is " + (omp == null ? "unset" : omp) + ": run OMP_NUM_THREADS=1"
                    + " deploy/local-cluster submit -- bench spark (or OMP_NUM_THREADS=1 bin/taskscale bench spark).");
        }
        Path tmp = Files.createTempDirectory("taskscale-bench-spark");
        Path home = Path.of(System.getProperty("taskscale.home", "."));
        Map<String, String> o = new LinkedHashMap<>();
        o.put("taskscale.prep.inputs", "[\"" + home.resolve("datasets-prep/samples").toUri() + "\"]");
        o.put("taskscale.prep.output", "\"" + tmp.resolve("prep").toUri() + "\"");
        o.put("taskscale.prep.patches-per-image", Integer.toString(perImage));
        o.put("taskscale.prep.valid-fraction", "0");
        o.put("taskscale.prep.minibatch", "16");
        o.put("taskscale.train.workers", "2");
        o.put("taskscale.model.name", arch);
        o.put("taskscale.model.channels", Integer.toString(channels));
        Config c = TaskscaleConfig.load(null, o);
        ModelConfig m = ModelConfig.from(c);
        try (JavaSparkContext sc = SparkContexts.create(c, null)) {
            PrepJob.run(c, sc, new PrintWriter(new StringWriter()));
            FileSystem fs = FileSystem.get(sc.hadoopConfiguration());
            List<String> files = TrainJob.batchFiles(fs, new org.apache.hadoop.fs.Path(tmp.resolve("prep/train").toUri()));
            out.printf(Locale.ROOT, "bench spark: %s (%d channels), master %s, %d batch files of 16, %d timed epochs after"
                    + " one untimed%n", arch, channels, sc.master(), files.size(), epochs);
            out.flush();

            CpuPinning pin = noPin ? null : CpuPinning.of(out);
            Rate single;
            try {
                if (pin != null) {
                    pin.confine(pin.one());
                }
                single = rate(new SingleProcessTrainer(ModelRegistry.build(m, new Adam(1e-4)), sc.hadoopConfiguration()),
                        files, 1);
            } finally {
                if (pin != null) {
                    pin.confine(pin.all());
                }
            }
            double perBatch = 1000.0 * 16 / single.samplesPerSecond();
            out.printf(Locale.ROOT, "  single process, 1 ND4J thread%s: %.1f samples/s (%.0f ms per minibatch)%n",
                    pin == null ? "" : ", CPU " + pin.one(), single.samplesPerSecond(), perBatch);
            out.flush();

            List<double[]> rounds = new ArrayList<>();  // (frequency, ms per round)
            for (int f : frequencies) {
                if (files.size() < 2 * f) {
                    out.printf(Locale.ROOT, "  frequency %d: skipped, an averaging round needs %d files and there are %d"
                            + " (raise --patches-per-image)%n", f, 2 * f, files.size());
                    continue;
                }
                TrainConfig t = TrainConfig.from(c.withValue("taskscale.train.averaging-frequency",
                        com.typesafe.config.ConfigValueFactory.fromAnyRef(f)));
                SparkAveragingTrainer tr = new SparkAveragingTrainer(sc, ModelRegistry.build(m, new Adam(1e-4)), t, 16,
                        tmp.resolve("export-" + f).toUri().toString());
                Rate spark = rate(tr, files, tr.filesPerFit());
                double round = spark.msPerFit();
                out.printf(Locale.ROOT, "  2 workers, averaging every %d minibatches: %.1f samples/s, %.0f ms a round"
                        + " (%d rounds)%n", f, spark.samplesPerSecond(), round, spark.fits());
                out.printf(Locale.ROOT, "spark 2 workers/1 core=%.2f (averaging frequency %d)%n",
                        spark.samplesPerSecond() / single.samplesPerSecond(), f);
                rounds.add(new double[] {f, round});
                out.flush();
            }
            if (rounds.size() >= 2) {
                // a round is f worker minibatches and one averaging: the line through (f, round ms) has the
                // averaging's cost as its intercept and a worker's minibatch as its slope, whatever the single
                // process's speed (its JVM's compiler and collector share its one CPU; the executors' do not)
                double[] line = BenchCommand.leastSquares(rounds);
                out.printf(Locale.ROOT, "spark averaging round ms=%.0f (the intercept of round ms against frequency"
                        + " over %d frequencies; a worker's minibatch %.0f ms, the single process's %.0f)%n", line[0],
                        rounds.size(), line[1], perBatch);
            } else if (rounds.size() == 1) {
                double[] r = rounds.get(0);
                out.printf(Locale.ROOT, "spark averaging round ms=%.0f (a round less %d minibatches at the single"
                        + " process's %.0f ms; give two or more frequencies to fit it instead)%n",
                        r[1] - r[0] * perBatch, (int) r[0], perBatch);
            }
        } finally {
            BenchPrepCommand.deleteTree(tmp);
        }
        return 0;
    }

    /** Samples/s and wall ms per {@code fit} call over the timed epochs. */
    private record Rate(double samples, double seconds, int fits) {
        double samplesPerSecond() {
            return samples / seconds;
        }

        double msPerFit() {
            return 1000 * seconds / fits;
        }
    }

    /**
     * Trains over {@code epochs} epochs after one untimed epoch, fitting {@code chunk} files per call; a last chunk
     * shorter than {@code chunk} is left out, so that every timed call is a whole averaging round.
     */
    private Rate rate(Trainer tr, List<String> files, int chunk) {
        double seconds = 0;
        int fits = 0;
        long samples = 0;
        for (int e = 0; e <= epochs; e++) {
            long t0 = System.nanoTime();
            int n = 0;
            for (int i = 0; i + chunk <= files.size(); i += chunk) {
                tr.fit(files.subList(i, i + chunk));
                n++;
            }
            if (e > 0) {
                seconds += (System.nanoTime() - t0) / 1e9;
                fits += n;
                samples += 16L * n * chunk;
            }
        }
        return new Rate(samples, seconds, fits);
    }
}
