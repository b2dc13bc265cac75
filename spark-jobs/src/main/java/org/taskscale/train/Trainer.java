package org.taskscale.train;

import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.taskscale.spark.Devices;

/**
 * The one interface training code sees of the distributed trainer: fit some batch files, give back the network.
 * dl4j-spark stays behind it ({@link SparkAveragingTrainer}), so another trainer could replace it.
 */
public interface Trainer extends AutoCloseable {
    /** Trains on the batch files (paths on any Hadoop filesystem), in order where the trainer can keep it. */
    void fit(List<String> batchFiles);

    /** The current network (on the driver). */
    ComputationGraph network();

    /** Where training ran so far: one record per executor, host and GPU. */
    List<Devices.Binding> devices();

    /** The loss of the last minibatch or averaging round. */
    double score();

    /**
     * Batch files per {@link #fit} call that keep the trainer's work whole (whole averaging rounds for Spark): the
     * training loop reports progress and may checkpoint after each call.
     */
    default int filesPerFit() {
        return 8;
    }

    @Override
    default void close() {}
}
