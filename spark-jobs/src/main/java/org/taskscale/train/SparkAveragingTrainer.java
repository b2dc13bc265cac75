package org.taskscale.train;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.taskscale.io.BatchFile;
import org.taskscale.spark.Devices;

/**
 * dl4j-spark parameter averaging over the executors: each call hands the batch files to {@code fitPaths}, workers
 * load them with {@link BatchFile}, fit {@code averaging-frequency} minibatches each, and the driver averages the
 * parameters (and updater state). Each worker task first binds to the GPU Spark assigned it
 * ({@link DeviceBoundAveraging}).
 */
public final class SparkAveragingTrainer implements Trainer {
    private final JavaSparkContext sc;
    private final SparkComputationGraph spark;
    private final int workers;
    private final int averagingFrequency;
    private final Devices.Recorder devices;

    public SparkAveragingTrainer(JavaSparkContext sc, ComputationGraph net, TrainConfig t, int minibatch, String exportDir) {
        this.sc = sc;
        this.workers = t.workers() > 0 ? t.workers() : sc.defaultParallelism();
        this.averagingFrequency = t.averagingFrequency();
        // numWorkers given explicitly: dl4j-spark M2's fitPaths on a graph otherwise asks a null wrapper for it
        ParameterAveragingTrainingMaster.Builder tm = new ParameterAveragingTrainingMaster.Builder(workers, minibatch)
                .batchSizePerWorker(minibatch).averagingFrequency(t.averagingFrequency())
                .workerPrefetchNumBatches(t.prefetch()).rddTrainingApproach(RDDTrainingApproach.Direct)
                .exportDirectory(exportDir).rngSeed(t.seed());
        this.devices = Devices.Recorder.register(sc);
        this.spark = new SparkComputationGraph(sc, net, new DeviceBoundAveraging(tm, devices));
    }

    /** Whole averaging rounds: each worker fits {@code averaging-frequency} files a round. */
    @Override
    public int filesPerFit() {
        return workers * averagingFrequency;
    }

    @Override
    public void fit(List<String> batchFiles) {
        spark.fitPaths(sc.parallelize(batchFiles, Math.min(workers, batchFiles.size())), new BatchFile());
    }

    @Override
    public List<Devices.Binding> devices() {
        return devices.distinct();
    }

    @Override
    public ComputationGraph network() {
        return spark.getNetwork();
    }

    @Override
    public double score() {
        return spark.getScore();
    }
}
