package org.taskscale.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.taskscale.config.TaskscaleConfig;
import org.taskscale.io.BatchFile;
import org.taskscale.io.Manifest;
import org.taskscale.models.ModelConfig;
import org.taskscale.models.ModelRegistry;
import org.taskscale.prep.PrepJob;

/** The prep output is what dl4j-spark's fitPaths trains on (with BatchFile as the loader): prep the samples, then train aetad-small. */
class PrepThenFitPathsTest {
    @TempDir
    Path dir;

    @Test
    void rescalePatchesTrainAetadThroughFitPaths() throws Exception {
        Path out = dir.resolve("prep");
        var config = TaskscaleConfig.load(null, Map.of(
                "taskscale.prep.inputs", "[\"" + Path.of("../datasets-prep/samples").toAbsolutePath().normalize().toUri() + "\"]",
                "taskscale.prep.output", "\"" + out.toUri() + "\"",
                "taskscale.prep.task", "rescale",
                "taskscale.prep.patch-size", "32",
                "taskscale.prep.patches-per-image", "8",
                "taskscale.prep.minibatch", "8",
                "taskscale.prep.valid-fraction", "0"));
        try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setAppName("prep-fitpaths").setMaster("local[2]")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"))) {
            Manifest m = PrepJob.run(config, sc, new PrintWriter(new StringWriter()));
            assertEquals(64, m.contents().counts().get("train-patches"));
            List<String> paths;
            try (Stream<Path> s = Files.list(out.resolve("train"))) {
                paths = s.filter(p -> p.getFileName().toString().startsWith("batch-")).map(p -> p.toUri().toString())
                        .sorted().toList();
            }
            assertEquals(8, paths.size());
            ComputationGraph g = ModelRegistry.build(ModelConfig.defaults("aetad-small").withSize(16, 1), new Adam(2e-3));
            MultiDataSet first;
            try (var in = Files.newInputStream(Path.of(java.net.URI.create(paths.get(0))))) {
                first = BatchFile.read(in);
            }
            double before = g.score(first);
            // numWorkers must be given: dl4j-spark M2's fitPaths on a graph otherwise dereferences the (null)
            // MultiLayerNetwork wrapper to ask for the default parallelism
            ParameterAveragingTrainingMaster tm = new ParameterAveragingTrainingMaster.Builder(2, 8).batchSizePerWorker(8)
                    .averagingFrequency(2).workerPrefetchNumBatches(0).rddTrainingApproach(RDDTrainingApproach.Direct)
                    .exportDirectory(dir.resolve("export").toUri().toString()).rngSeed(1).build();
            SparkComputationGraph spark = new SparkComputationGraph(sc, g, tm);
            JavaRDD<String> rdd = sc.parallelize(paths, 2);
            for (int epoch = 0; epoch < 8; epoch++) {
                spark.fitPaths(rdd, new BatchFile());
            }
            double after = spark.getNetwork().score(first);
            System.out.printf("aetad-small via fitPaths: loss on a prep batch %.4f -> %.4f%n", before, after);
            assertTrue(after < 0.7 * before, "loss on a prep batch " + before + " -> " + after);
        }
    }
}
