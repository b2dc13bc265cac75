package org.taskscale.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Shared set-up for double-precision gradient checks of our layers. */
final class GradientChecks {
    private GradientChecks() {}

    static {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    /** A network of {@code layers} with an L2 CNN loss, in double precision, with NoOp updates. */
    static MultiLayerNetwork network(InputType in, Layer... layers) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder()
                .seed(12345).dataType(DataType.DOUBLE).updater(new NoOp()).weightInit(WeightInit.XAVIER)
                .list();
        for (Layer l : layers) {
            b.layer(l);
        }
        b.layer(new CnnLossLayer.Builder(LossFunctions.LossFunction.L2).activation(Activation.IDENTITY).build());
        MultiLayerConfiguration conf = b.setInputType(in).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    static void check(MultiLayerNetwork net, INDArray input, INDArray labels) {
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(input)
                .labels(labels).epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false));
        assertTrue(ok, "gradient check failed for " + net.getLayerWiseConfigurations().getConfs().stream()
                .map(c -> c.getLayer().getClass().getSimpleName()).toList());
    }

    static void check(ComputationGraph graph, INDArray[] inputs, INDArray[] labels) {
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(graph).inputs(inputs)
                .labels(labels).epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false));
        assertTrue(ok, "gradient check failed for the graph");
    }

    static INDArray rand(long... shape) {
        Nd4j.getRandom().setSeed(shape.length * 7L + shape[shape.length - 1]);
        return Nd4j.rand(DataType.DOUBLE, shape).subi(0.5);
    }

    /**
     * Asserts that {@code nhwc} (the same layers and parameters in channels-last layout) has {@code nchw}'s
     * gradients for an NCHW input and labels.
     */
    static void assertSameGradientsAcrossLayouts(MultiLayerNetwork nchw, MultiLayerNetwork nhwc, INDArray in,
                                                 INDArray labels) {
        nchw.setInput(in);
        nchw.setLabels(labels);
        nhwc.setInput(in.permute(0, 2, 3, 1).dup());
        nhwc.setLabels(labels.permute(0, 2, 3, 1).dup());
        nchw.computeGradientAndScore();
        nhwc.computeGradientAndScore();
        INDArray a = nchw.gradient().gradient();
        INDArray b = nhwc.gradient().gradient();
        assertTrue(a.equalsWithEps(b, 1e-10), "gradients differ by " + a.sub(b).amaxNumber());
    }
}
