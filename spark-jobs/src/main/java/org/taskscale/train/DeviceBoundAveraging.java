package org.taskscale.train;

import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.spark.api.WorkerConfiguration;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.taskscale.spark.Devices;

/**
 * dl4j-spark's parameter averaging with each worker task bound to its GPU first. dl4j-spark has no hook before a
 * worker builds its network, so the master hands out {@link Worker}s, whose configuration is the first thing
 * dl4j-spark's task function asks for: the binding happens there, before the prefetch thread (which inherits the
 * task thread's device) and the network exist.
 */
final class DeviceBoundAveraging extends ParameterAveragingTrainingMaster {
    private final Devices.Recorder devices;

    DeviceBoundAveraging(ParameterAveragingTrainingMaster.Builder builder, Devices.Recorder devices) {
        super(builder);
        this.devices = devices;
    }

    /** The same worker dl4j-spark's master makes (broadcast network, configuration), bound to a device. */
    @Override
    public ParameterAveragingTrainingWorker getWorkerInstance(SparkComputationGraph graph) {
        ComputationGraph net = graph.getNetwork();
        NetBroadcastTuple tuple = new NetBroadcastTuple(net.getConfiguration(), net.params(),
                net.getUpdater().getStateViewArray());
        Broadcast<NetBroadcastTuple> broadcast = graph.getSparkContext().broadcast(tuple);
        WorkerConfiguration conf = new WorkerConfiguration(true, rddDataSetNumExamples, batchSizePerWorker,
                averagingFrequency, prefetchNumBatches, collectTrainingStats);
        return new Worker(broadcast, saveUpdater, conf, this);
    }

    static final class Worker extends ParameterAveragingTrainingWorker {
        private final Devices.Recorder devices;

        Worker(Broadcast<NetBroadcastTuple> broadcast, boolean saveUpdater, WorkerConfiguration conf,
               DeviceBoundAveraging master) {
            super(broadcast, saveUpdater, conf, master.trainingHookList, master.listeners, master.getRouterProvider());
            this.devices = master.devices;
        }

        @Override
        public WorkerConfiguration getDataConfiguration() {
            devices.bind();  // once per task; nothing on the driver
            org.taskscale.spark.NativeMemory.collectPeriodically();  // once per executor JVM
            return super.getDataConfiguration();
        }

        @Override
        public ComputationGraph getInitialModelGraph() {
            devices.bind();  // in case a later dl4j-spark asks for the network first
            return super.getInitialModelGraph();
        }
    }
}
