package org.taskscale.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;

/** PixelLoss, Luminance, NHWC resizing and scaled residuals: known answers and gradient checks. */
class NewLayersTest {
    /** in -> conv -> (optional extra) -> PixelLoss, as a graph in double precision. */
    private static ComputationGraph lossGraph(PixelLoss.Kind kind, double weight, CNN2DFormat f) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .updater(new NoOp()).weightInit(WeightInit.XAVIER).graphBuilder().addInputs("in")
                .addLayer("c", new Conv2D.Builder(3, 3).nOut(2).convolutionMode(ConvolutionMode.Same).dataFormat(f)
                        .activation(Activation.TANH).build(), "in")
                .addLayer("out", new PixelLoss(kind, weight, f), "c")
                .setOutputs("out").setInputTypes(InputType.convolutional(5, 4, 2, f)).build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @Test
    void pixelLossScoresAreMeansOrSumsTimesTheWeight() {
        for (CNN2DFormat f : CNN2DFormat.values()) {
            for (PixelLoss.Kind kind : PixelLoss.Kind.values()) {
                ComputationGraph g = lossGraph(kind, 0.5, f);
                INDArray in = GradientChecks.rand(f == CNN2DFormat.NHWC ? new long[] {3, 5, 4, 2} : new long[] {3, 2, 5, 4});
                INDArray out = g.outputSingle(in);
                INDArray labels = GradientChecks.rand(out.shape()).muli(3);
                INDArray d = out.sub(labels);
                double sum = 0;
                for (double v : d.data().asDouble()) {
                    sum += kind == PixelLoss.Kind.L1 ? Math.abs(v) : v * v;
                }
                double want = 0.5 * (kind == PixelLoss.Kind.L2_SUM ? sum : sum / d.length());
                double got = g.score(new org.nd4j.linalg.dataset.DataSet(in, labels));
                assertEquals(want, got, 1e-12, kind + " " + f);
                GradientChecks.check(g, new INDArray[] {in}, new INDArray[] {labels});
                INDArray perExample = g.scoreExamples(new org.nd4j.linalg.dataset.DataSet(in, labels), false);
                assertEquals(want * (kind == PixelLoss.Kind.L2_SUM ? 1 : 3), perExample.sumNumber().doubleValue(), 1e-10);
            }
        }
    }

    @Test
    void luminanceIsBt601LumaInBothLayouts() {
        for (CNN2DFormat f : CNN2DFormat.values()) {
            boolean hw = f == CNN2DFormat.NHWC;
            MultiLayerNetwork net = GradientChecks.network(InputType.convolutional(4, 3, 3, f),
                    new Conv2D.Builder(1, 1).nOut(3).convolutionMode(ConvolutionMode.Same).dataFormat(f)
                            .activation(Activation.TANH).build(),
                    new Luminance.Builder().dataFormat(f).build());
            INDArray in = GradientChecks.rand(hw ? new long[] {2, 4, 3, 3} : new long[] {2, 3, 4, 3});
            GradientChecks.check(net, in, GradientChecks.rand(net.output(in).shape()));
            MultiLayerNetwork alone = GradientChecks.network(InputType.convolutional(4, 3, 3, f),
                    new Luminance.Builder().dataFormat(f).build());
            INDArray y = alone.output(in);
            // pixel (1, 2) of example 1: 0.299 R + 0.587 G + 0.114 B
            double[] rgb = new double[3];
            for (int c = 0; c < 3; c++) {
                rgb[c] = hw ? in.getDouble(1, 1, 2, c) : in.getDouble(1, c, 1, 2);
            }
            double want = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
            assertEquals(want, hw ? y.getDouble(1, 1, 2, 0) : y.getDouble(1, 0, 1, 2), 1e-12);
        }
    }

    @Test
    void bicubicResizeNhwcEqualsNchwAndHasExactGradients() {
        INDArray nchw = GradientChecks.rand(2, 3, 9, 7);
        INDArray nhwc = nchw.permute(0, 2, 3, 1).dup('c');
        for (double scale : new double[] {0.5, 2.0, 4.0}) {
            INDArray a = GradientChecks.network(InputType.convolutional(9, 7, 3),
                    new BicubicResize.Builder(scale).build()).output(nchw);
            MultiLayerNetwork hw = GradientChecks.network(InputType.convolutional(9, 7, 3, CNN2DFormat.NHWC),
                    new BicubicResize.Builder(scale).dataFormat(CNN2DFormat.NHWC).build());
            INDArray b = hw.output(nhwc).permute(0, 3, 1, 2);
            assertTrue(a.equalsWithEps(b, 1e-12), "x" + scale + " NHWC differs by " + a.sub(b).amaxNumber());
            MultiLayerNetwork withConv = GradientChecks.network(InputType.convolutional(9, 7, 3, CNN2DFormat.NHWC),
                    new Conv2D.Builder(3, 3).nOut(2).convolutionMode(ConvolutionMode.Same).dataFormat(CNN2DFormat.NHWC)
                            .activation(Activation.TANH).build(),
                    new BicubicResize.Builder(scale).dataFormat(CNN2DFormat.NHWC).build());
            GradientChecks.check(withConv, nhwc, GradientChecks.rand(withConv.output(nhwc).shape()));
        }
        // one image: the NHWC height pass is a single product (no copies); one plane in NCHW likewise
        for (int c : new int[] {3, 1}) {
            INDArray one = GradientChecks.rand(1, c, 9, 7);
            INDArray a = GradientChecks.network(InputType.convolutional(9, 7, c),
                    new BicubicResize.Builder(2.0).build()).output(one);
            INDArray b = GradientChecks.network(InputType.convolutional(9, 7, c, CNN2DFormat.NHWC),
                    new BicubicResize.Builder(2.0).dataFormat(CNN2DFormat.NHWC).build())
                    .output(one.permute(0, 2, 3, 1).dup('c')).permute(0, 3, 1, 2);
            assertTrue(a.equalsWithEps(b, 1e-12), "one image NHWC differs by " + a.sub(b).amaxNumber());
            INDArray ah = Nd4j.create(org.taskscale.image.Bicubic.weightMatrix(9, 2.0));
            INDArray aw = Nd4j.create(org.taskscale.image.Bicubic.weightMatrix(7, 2.0));
            for (int ch = 0; ch < c; ch++) {
                INDArray plane = ah.mmul(one.get(NDArrayIndex.point(0), NDArrayIndex.point(ch)).dup()).mmul(aw.transpose());
                INDArray got = a.get(NDArrayIndex.point(0), NDArrayIndex.point(ch));
                assertTrue(plane.equalsWithEps(got, 1e-12), "channel " + ch + " differs from A_h X A_w^T");
            }
        }
        // wider than KRON_MAX: NHWC takes the plane path through an NCHW copy
        INDArray wide = GradientChecks.rand(1, 3, 5, (int) BicubicResize.Runtime.KRON_MAX / 3 + 9);
        long w = wide.size(3);
        INDArray a = GradientChecks.network(InputType.convolutional(5, w, 3),
                new BicubicResize.Builder(0.5).build()).output(wide);
        INDArray b = GradientChecks.network(InputType.convolutional(5, w, 3, CNN2DFormat.NHWC),
                new BicubicResize.Builder(0.5).dataFormat(CNN2DFormat.NHWC).build())
                .output(wide.permute(0, 2, 3, 1).dup('c')).permute(0, 3, 1, 2);
        assertTrue(a.equalsWithEps(b, 1e-12), "wide NHWC differs by " + a.sub(b).amaxNumber());
    }

    @Test
    void scaledResidualAddGradients() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.DOUBLE)
                .updater(new NoOp()).weightInit(WeightInit.XAVIER).graphBuilder().addInputs("in")
                .addLayer("a", new Conv2D.Builder(3, 3).nOut(3).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.TANH).build(), "in")
                .addLayer("b", new Conv2D.Builder(3, 3).nOut(3).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.TANH).build(), "a")
                .addVertex("r", new ResidualAdd(0.1), "a", "b")
                .addLayer("out", new PixelLoss(PixelLoss.Kind.L2, 1.0, CNN2DFormat.NCHW), "r")
                .setOutputs("out").setInputTypes(InputType.convolutional(5, 4, 2)).build();
        assertEquals(conf, ComputationGraphConfiguration.fromJson(conf.toJson()));
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        INDArray in = GradientChecks.rand(2, 2, 5, 4);
        INDArray a = g.feedForward(in, false).get("a");
        INDArray b = g.feedForward(in, false).get("b");
        assertTrue(g.outputSingle(in).equalsWithEps(a.add(b.mul(0.1)), 1e-12));
        GradientChecks.check(g, new INDArray[] {in}, new INDArray[] {GradientChecks.rand(2, 3, 5, 4)});
    }

    @Test
    void batchNormInferenceEqualsDl4jsInBothLayoutsAndTrainsTheSame() {
        for (CNN2DFormat f : CNN2DFormat.values()) {
            for (boolean logStd : new boolean[] {true, false}) {
                BatchNorm ours = new BatchNorm(f);
                ours.setUseLogStd(logStd);
                org.deeplearning4j.nn.conf.layers.BatchNormalization theirs =
                        new org.deeplearning4j.nn.conf.layers.BatchNormalization.Builder().dataFormat(f)
                                .useLogStd(logStd).build();
                ComputationGraph a = bnGraph(ours, f);
                ComputationGraph b = bnGraph(theirs, f);
                // running statistics and affine parameters far from their initial values
                INDArray params = GradientChecks.rand(a.params().shape()).muli(2).addi(0.5);
                a.setParams(params);
                b.setParams(params.dup());
                assertEquals(ComputationGraphConfiguration.fromJson(a.getConfiguration().toJson()), a.getConfiguration());
                INDArray in = f == CNN2DFormat.NHWC ? GradientChecks.rand(2, 5, 4, 3) : GradientChecks.rand(2, 3, 5, 4);
                INDArray ya = a.outputSingle(false, in);
                INDArray yb = b.outputSingle(false, in);
                assertTrue(ya.equalsWithEps(yb, 1e-10), f + " logStd=" + logStd + ": inference differs by "
                        + ya.sub(yb).amaxNumber());
                INDArray ta = a.outputSingle(true, in);
                assertTrue(ta.equalsWithEps(b.outputSingle(true, in), 1e-10), f + ": training pass differs");
                assertTrue(ta.sub(ya).amaxNumber().doubleValue() > 1e-3, "the training pass must use batch statistics");
            }
        }
    }

    private static ComputationGraph bnGraph(org.deeplearning4j.nn.conf.layers.BatchNormalization bn, CNN2DFormat f) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE)
                .updater(new NoOp()).weightInit(WeightInit.XAVIER).graphBuilder().addInputs("in")
                .addLayer("bn", bn, "in")
                .addLayer("out", new PixelLoss(PixelLoss.Kind.L2, 1.0, f), "bn")
                .setOutputs("out").setInputTypes(InputType.convolutional(5, 4, 3, f)).build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }
}
