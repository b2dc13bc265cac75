package org.taskscale.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.taskscale.bench.PeerNets;
import org.taskscale.layers.Conv2D;
import org.taskscale.layers.PReLU;
import org.taskscale.layers.PixelShuffle;
import org.taskscale.layers.PixelUnshuffle;

/**
 * Our layers under dl4j-spark's parameter averaging on {@code local[2]}: the training master serialises the
 * configuration to JSON, broadcasts parameters, trains on executors and averages. The loss must fall.
 */
class SparkLayersTrainingTest {
    static JavaSparkContext sc;

    @TempDir
    static Path export;

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(new SparkConf().setAppName("layers-on-spark").setMaster("local[2]")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    /** An identity-like task: reconstruct a random smooth image; learnable, so the loss must drop. */
    static List<DataSet> data(int n, int channels, int size) {
        Nd4j.getRandom().setSeed(42);
        List<DataSet> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 4, channels, size, size);
            out.add(new DataSet(x, x.dup()));
        }
        return out;
    }

    static ParameterAveragingTrainingMaster master() {
        return new ParameterAveragingTrainingMaster.Builder(4).batchSizePerWorker(4).averagingFrequency(2)
                .workerPrefetchNumBatches(0).rddTrainingApproach(RDDTrainingApproach.Direct)
                .exportDirectory(export.toUri().toString()).rngSeed(1).build();
    }

    @Test
    void multiLayerNetworkTrains() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .updater(new Adam(3e-3)).list()
                .layer(new Conv2D.Builder(3, 3).firstLayer(true).nOut(8).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build())
                .layer(new PReLU.Builder().build())
                .layer(new PixelUnshuffle.Builder(2).build())
                .layer(new Conv2D.Builder(3, 3).nOut(12).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).build())
                .layer(new PixelShuffle.Builder(2).build())
                .layer(new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(16, 16, 3)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        JavaRDD<DataSet> rdd = sc.parallelize(data(16, 3, 16), 2);
        SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(sc, net, master());
        double before = spark.calculateScore(rdd, true);
        for (int epoch = 0; epoch < 4; epoch++) {
            spark.fit(rdd);
        }
        double after = spark.calculateScore(rdd, true);
        assertTrue(after < 0.7 * before, "loss " + before + " -> " + after);
    }

    @Test
    void computationGraphTrains() {
        ComputationGraph g = PeerNets.aetad2();
        JavaRDD<DataSet> rdd = sc.parallelize(data(8, 3, 32), 2);
        SparkComputationGraph spark = new SparkComputationGraph(sc, g, master());
        double before = spark.calculateScore(rdd, true);
        for (int epoch = 0; epoch < 3; epoch++) {
            spark.fit(rdd);
        }
        double after = spark.calculateScore(rdd, true);
        assertTrue(after < before, "loss " + before + " -> " + after);
    }
}
