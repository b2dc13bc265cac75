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
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.taskscale.config.TaskscaleConfig;
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
 * {@code taskscale bench spark}: training samples/s of one network with dl4j-spark parameter averaging on
 * {@code local[2]} (two workers) divided by the same network trained in one process, on the same prep files
 * (the bundled photos, rescale x2). The first epoch of each is a warm-up and not timed.
 */
@Command(name = "spark",
        description = "Parameter-averaging training on local[2] (2 workers) against single-process training of the"
                + " same net on the same prep files; prints samples/s of both and the ratio.")
final class BenchSparkCommand extends BenchTool {
    @Option(names = "--arch", defaultValue = "aetad-small", description = "Registered model. Default: ${DEFAULT-VALUE}.")
    String arch;

    @Option(names = "--channels", defaultValue = "32", description = "Its channels. Default: ${DEFAULT-VALUE}.")
    int channels;

    @Option(names = "--epochs", defaultValue = "3", description = "Timed epochs over the files. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--averaging-frequency", defaultValue = "5",
            description = "Minibatches per worker between averagings. Default: ${DEFAULT-VALUE}.")
    int averaging;

    @Option(names = "--worker-threads", defaultValue = "1",
            description = "ND4J threads per worker while Spark trains (two workers share the cores). Default: ${DEFAULT-VALUE}.")
    int workerThreads;

    @Override
    int measure(PrintWriter out) throws IOException {
        Path tmp = Files.createTempDirectory("taskscale-bench-spark");
        Path home = Path.of(System.getProperty("taskscale.home", "."));
        Map<String, String> o = new LinkedHashMap<>();
        o.put("taskscale.prep.inputs", "[\"" + home.resolve("datasets-prep/samples").toUri() + "\"]");
        o.put("taskscale.prep.output", "\"" + tmp.resolve("prep").toUri() + "\"");
        o.put("taskscale.prep.patches-per-image", "32");
        o.put("taskscale.prep.valid-fraction", "0");
        o.put("taskscale.prep.minibatch", "16");
        o.put("taskscale.train.averaging-frequency", Integer.toString(averaging));
        o.put("taskscale.train.workers", "2");
        o.put("taskscale.model.name", arch);
        o.put("taskscale.model.channels", Integer.toString(channels));
        Config c = TaskscaleConfig.load(null, o);
        ModelConfig m = ModelConfig.from(c);
        TrainConfig t = TrainConfig.from(c);
        int threads = Nd4j.getEnvironment().maxThreads();
        try (JavaSparkContext sc = SparkContexts.create(c, "local[2]")) {
            PrepJob.run(c, sc, new PrintWriter(new StringWriter()));
            FileSystem fs = FileSystem.get(sc.hadoopConfiguration());
            List<String> files = TrainJob.batchFiles(fs, new org.apache.hadoop.fs.Path(tmp.resolve("prep/train").toUri()));
            long samples = 16L * files.size();
            out.printf(Locale.ROOT, "bench spark: %s (%d channels), %d batch files of 16, %d timed epochs, averaging every %d"
                    + " minibatches per worker%n", arch, channels, files.size(), epochs, averaging);
            out.flush();
            double single = rate(new SingleProcessTrainer(ModelRegistry.build(m, new Adam(1e-4)), sc.hadoopConfiguration()),
                    files, samples, 8);
            out.printf(Locale.ROOT, "  single process (%d ND4J threads): %.1f samples/s%n", threads, single);
            out.flush();
            Nd4j.getEnvironment().setMaxThreads(workerThreads);
            double spark;
            try {
                SparkAveragingTrainer tr = new SparkAveragingTrainer(sc, ModelRegistry.build(m, new Adam(1e-4)), t, 16,
                        tmp.resolve("export").toUri().toString());
                spark = rate(tr, files, samples, tr.filesPerFit());
            } finally {
                Nd4j.getEnvironment().setMaxThreads(threads);
            }
            out.printf(Locale.ROOT, "  local[2], 2 workers x %d ND4J threads, parameter averaging: %.1f samples/s%n",
                    workerThreads, spark);
            out.printf(Locale.ROOT, "spark local[2]/single=%.2f (averaging frequency %d)%n", spark / single, averaging);
            out.flush();
        } finally {
            BenchPrepCommand.deleteTree(tmp);
        }
        return 0;
    }

    /** Samples/s over {@code epochs} epochs after one untimed epoch, fitting {@code chunk} files per call. */
    private double rate(Trainer tr, List<String> files, long samplesPerEpoch, int chunk) {
        List<Double> times = new ArrayList<>();
        for (int e = 0; e <= epochs; e++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < files.size(); i += chunk) {
                tr.fit(files.subList(i, Math.min(files.size(), i + chunk)));
            }
            if (e > 0) {
                times.add((System.nanoTime() - t0) / 1e9);
            }
        }
        return samplesPerEpoch * times.size() / times.stream().mapToDouble(Double::doubleValue).sum();
    }
}
