package org.taskscale.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.taskscale.image.Bicubic;
import org.taskscale.image.Image;

/** Gradient checks (double precision), known answers and round trips for every layer but Conv2D. */
class LayersTest {

    @Test
    void transposedConvGradientsAndShapes() {
        MultiLayerNetwork net = GradientChecks.network(InputType.convolutional(5, 6, 3),
                new TransposedConv2D.Builder(4, 4).stride(2, 2).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.TANH).build(),
                new TransposedConv2D.Builder(3, 3).nOut(2).padding(1, 1).convolutionMode(ConvolutionMode.Truncate)
                        .activation(Activation.IDENTITY).build());
        INDArray in = GradientChecks.rand(2, 3, 5, 6);
        INDArray out = net.output(in);
        assertArrayEquals(new long[] {2, 2, 10, 12}, out.shape());
        GradientChecks.check(net, in, GradientChecks.rand(out.shape()));
    }

    @Test
    void transposedConvEqualsTheBuiltInLayer() {
        MultiLayerNetwork ours = GradientChecks.network(InputType.convolutional(5, 6, 3),
                new TransposedConv2D.Builder(3, 3).stride(2, 2).nOut(4).padding(1, 1)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).build());
        MultiLayerNetwork builtIn = GradientChecks.network(InputType.convolutional(5, 6, 3),
                new Deconvolution2D.Builder(3, 3).stride(2, 2).nOut(4).padding(1, 1)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).build());
        builtIn.setParams(ours.params().dup());
        INDArray in = GradientChecks.rand(2, 3, 5, 6);
        INDArray a = ours.output(in);
        INDArray b = builtIn.output(in);
        assertArrayEquals(b.shape(), a.shape());
        assertTrue(a.equalsWithEps(b, 1e-10), "differs from Deconvolution2D by " + a.sub(b).amaxNumber());
    }

    @Test
    void refusesSameModeWithOddKernelMinusStride() {
        assertThrows(IllegalArgumentException.class,
                () -> new TransposedConv2D.Builder(3, 3).stride(2, 2).nOut(1).convolutionMode(ConvolutionMode.Same).build());
    }

    @Test
    void pixelShuffleUsesPytorchChannelOrder() {
        // input channel c*r*r + i*r + j lands at (h*r + i, w*r + j) of output channel c
        INDArray in = Nd4j.arange(0, 2 * 8 * 2 * 3).castTo(DataType.DOUBLE).reshape(2, 8, 2, 3);
        MultiLayerNetwork net = GradientChecks.network(InputType.convolutional(2, 3, 8), new PixelShuffle.Builder(2).build());
        INDArray out = net.output(in);
        assertArrayEquals(new long[] {2, 2, 4, 6}, out.shape());
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 2; c++) {
                for (int h = 0; h < 2; h++) {
                    for (int w = 0; w < 3; w++) {
                        for (int i = 0; i < 2; i++) {
                            for (int j = 0; j < 2; j++) {
                                assertEquals(in.getDouble(n, c * 4 + i * 2 + j, h, w), out.getDouble(n, c, h * 2 + i, w * 2 + j));
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void pixelShuffleAndUnshuffleGradientsAndInverse() {
        MultiLayerNetwork net = GradientChecks.network(InputType.convolutional(4, 6, 2),
                new Conv2D.Builder(3, 3).nOut(8).convolutionMode(ConvolutionMode.Same).activation(Activation.TANH).build(),
                new PixelShuffle.Builder(2).build(),
                new Conv2D.Builder(3, 3).nOut(3).convolutionMode(ConvolutionMode.Same).activation(Activation.TANH).build(),
                new PixelUnshuffle.Builder(2).build());
        INDArray in = GradientChecks.rand(2, 2, 4, 6);
        GradientChecks.check(net, in, GradientChecks.rand(net.output(in).shape()));

        MultiLayerNetwork roundTrip = GradientChecks.network(InputType.convolutional(4, 6, 12),
                new PixelShuffle.Builder(2).build(), new PixelUnshuffle.Builder(2).build());
        INDArray x = GradientChecks.rand(3, 12, 4, 6);
        assertEquals(x, roundTrip.output(x));
    }

    /** The channels-last moves (two steps through a pixel-major copy) equal the channels-first ones, both ways. */
    @Test
    void pixelShuffleChannelsLastEqualsChannelsFirst() {
        for (int r : new int[] {2, 3}) {
            INDArray nchw = GradientChecks.rand(2, 3 * r * r, 4, 5);
            INDArray up = Nd4j.create(DataType.DOUBLE, 2, 3, 4 * r, 5 * r);
            ShuffleLayer.shuffle(nchw, up, r, false);
            INDArray upHw = Nd4j.create(DataType.DOUBLE, 2, 4 * r, 5 * r, 3);
            ShuffleLayer.shuffle(nchw.permute(0, 2, 3, 1).dup('c'), upHw, r, true);
            assertEquals(up.permute(0, 2, 3, 1), upHw);
            INDArray back = Nd4j.create(DataType.DOUBLE, 2, 4, 5, 3 * r * r);
            ShuffleLayer.unshuffle(upHw, back, r, true);
            assertEquals(nchw.permute(0, 2, 3, 1), back);
        }
    }

    @Test
    void quantizeRoundsToEightBitsAndPassesGradientsStraightThrough() {
        MultiLayerNetwork net = GradientChecks.network(InputType.convolutional(1, 4, 1), new Quantize8.Builder().build());
        INDArray in = Nd4j.create(new double[] {-0.2, 0.5 / 255, 100.4 / 255, 1.3}, new long[] {1, 1, 1, 4});
        INDArray out = net.output(in);
        assertArrayEquals(new double[] {0, 1.0 / 255, 100.0 / 255, 1}, out.data().asDouble(), 1e-12);
        org.deeplearning4j.nn.api.Layer q = net.getLayer(0);
        q.setInput(in, LayerWorkspaceMgr.noWorkspaces());
        q.activate(true, LayerWorkspaceMgr.noWorkspaces());
        INDArray eps = Nd4j.create(new double[] {0.1, -2, 3, 4}, new long[] {1, 1, 1, 4});
        assertEquals(eps, q.backpropGradient(eps, LayerWorkspaceMgr.noWorkspaces()).getSecond());
    }

    @Test
    void bicubicResizeMatchesTheImageCoreAndItsGradients() {
        Image img = Image.zeros(3, 9, 11);
        Nd4j.getRandom().setSeed(3);
        double[] v = Nd4j.rand(DataType.DOUBLE, 3 * 9 * 11).data().asDouble();
        for (int i = 0; i < v.length; i++) {
            img.data()[i] = (float) (255 * v[i]);
        }
        for (double scale : new double[] {0.5, 2.0}) {
            MultiLayerNetwork net = GradientChecks.network(InputType.convolutional(9, 11, 3),
                    new BicubicResize.Builder(scale).build());
            INDArray in = Nd4j.create(v, new long[] {1, 3, 9, 11});
            INDArray out = net.output(in).muli(255);
            Image ref = Bicubic.resize(img, scale);
            assertArrayEquals(new long[] {1, 3, ref.height(), ref.width()}, out.shape());
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < ref.height(); y++) {
                    for (int x = 0; x < ref.width(); x++) {
                        assertEquals(ref.get(c, y, x), out.getDouble(0, c, y, x), 1e-3);
                    }
                }
            }
        }
        MultiLayerNetwork net = GradientChecks.network(InputType.convolutional(8, 6, 2),
                new Conv2D.Builder(3, 3).nOut(3).convolutionMode(ConvolutionMode.Same).activation(Activation.TANH).build(),
                new BicubicResize.Builder(0.5).build(),
                new Conv2D.Builder(3, 3).nOut(2).convolutionMode(ConvolutionMode.Same).activation(Activation.TANH).build(),
                new BicubicResize.Builder(2).build());
        INDArray in = GradientChecks.rand(2, 2, 8, 6);
        GradientChecks.check(net, in, GradientChecks.rand(net.output(in).shape()));
    }

    @Test
    void preluGradientsSharedAndPerChannel() {
        for (boolean perChannel : new boolean[] {false, true}) {
            MultiLayerNetwork net = GradientChecks.network(InputType.convolutional(5, 5, 2),
                    new Conv2D.Builder(3, 3).nOut(3).convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).build(),
                    new PReLU.Builder().perChannel(perChannel).build(),
                    new Conv2D.Builder(3, 3).nOut(2).convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).build());
            assertEquals(perChannel ? 3 : 1, net.getLayer(1).numParams());
            assertEquals(0.25, net.getLayer(1).getParam(PReLU.ALPHA).getDouble(0), 0);
            net.getLayer(1).getParam(PReLU.ALPHA).assign(Nd4j.linspace(DataType.DOUBLE, 0.1, 0.3, perChannel ? 3 : 1));
            INDArray in = GradientChecks.rand(2, 2, 5, 5);
            GradientChecks.check(net, in, GradientChecks.rand(net.output(in).shape()));
        }
        MultiLayerNetwork one = GradientChecks.network(InputType.convolutional(1, 2, 1), new PReLU.Builder().build());
        INDArray out = one.output(Nd4j.create(new double[] {-2, 3}, new long[] {1, 1, 1, 2}));
        assertArrayEquals(new double[] {-0.5, 3}, out.data().asDouble(), 1e-12);
    }

    /**
     * A graph with every layer, a merge, a residual add and two outputs. With {@code quantize} the decoder
     * reads the 8-bit LR (piecewise constant: no finite-difference check through it).
     */
    static ComputationGraph graph(DataType type, boolean quantize) {
        String dec = quantize ? "q" : "lr";
        ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder().seed(7).dataType(type)
                .updater(new NoOp()).weightInit(WeightInit.XAVIER).graphBuilder()
                .addInputs("hr")
                .addLayer("d1", new Conv2D.Builder(3, 3).firstLayer(true).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.TANH).build(), "hr")
                .addLayer("down", new PixelUnshuffle.Builder(2).build(), "d1")
                .addLayer("d2", new Conv2D.Builder(3, 3).nOut(3).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).build(), "down")
                .addLayer("bic", new BicubicResize.Builder(0.5).build(), "hr")
                .addVertex("lr", new ResidualAdd(), "d2", "bic");
        if (quantize) {
            b.addLayer("q", new Quantize8.Builder().build(), "lr");
        }
        ComputationGraphConfiguration conf = b
                .addLayer("u1", new Conv2D.Builder(3, 3).nOut(8).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).build(), dec)
                .addLayer("act", new PReLU.Builder().build(), "u1")
                .addLayer("ps", new PixelShuffle.Builder(2).build(), "act")
                .addLayer("tc", new TransposedConv2D.Builder(4, 4).stride(2, 2).nOut(2)
                        .convolutionMode(ConvolutionMode.Same).activation(Activation.TANH).build(), dec)
                .addVertex("merge", new MergeVertex(), "ps", "tc")
                .addLayer("u2", new Conv2D.Builder(3, 3).nOut(3).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).build(), "merge")
                .addLayer("lrOut", new CnnLossLayer.Builder(LossFunctions.LossFunction.L2)
                        .activation(Activation.IDENTITY).build(), "lr")
                .addLayer("hrOut", new CnnLossLayer.Builder(LossFunctions.LossFunction.L2)
                        .activation(Activation.IDENTITY).build(), "u2")
                .setOutputs("lrOut", "hrOut")
                .setInputTypes(InputType.convolutional(8, 6, 3)).build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @Test
    void graphGradientsWithMergeResidualAndTwoOutputs() {
        ComputationGraph g = graph(DataType.DOUBLE, false);
        INDArray in = GradientChecks.rand(2, 3, 8, 6);
        INDArray[] outs = g.output(in);
        GradientChecks.check(g, new INDArray[] {in},
                new INDArray[] {GradientChecks.rand(outs[0].shape()), GradientChecks.rand(outs[1].shape())});
    }

    @Test
    void residualChainGradientsAndEqualityWithElementWiseAdd() {
        ComputationGraph ours = residualChain(true);
        ComputationGraph builtIn = residualChain(false);
        builtIn.setParams(ours.params().dup());
        INDArray in = GradientChecks.rand(2, 2, 6, 5);
        INDArray labels = GradientChecks.rand(ours.outputSingle(in).shape());
        GradientChecks.check(ours, new INDArray[] {in}, new INDArray[] {labels});
        for (ComputationGraph g : new ComputationGraph[] {ours, builtIn}) {
            g.setInputs(in);
            g.setLabels(labels);
            g.computeGradientAndScore();
        }
        assertTrue(ours.gradient().gradient().equalsWithEps(builtIn.gradient().gradient(), 1e-12));
    }

    @Test
    void residualAddSharesItsGradientOnlyWhenNoSumCanOverwriteIt() {
        ComputationGraph chain = residualChain(true);
        for (int i = 0; i < 3; i++) {
            assertTrue(((ResidualAdd.Runtime) chain.getVertex("r" + i)).sharesGradient(), "block " + i);
        }
        // the global skip's second input (the head) also feeds the first block
        assertFalse(((ResidualAdd.Runtime) chain.getVertex("skip")).sharesGradient());

        // "c" reads "a" and comes between "b" and the add: its gradient is summed into a's before b has read it
        for (Activation second : new Activation[] {Activation.IDENTITY, Activation.TANH}) {
            ComputationGraph ours = crossedResidual(true, second);
            ComputationGraph builtIn = crossedResidual(false, second);
            builtIn.setParams(ours.params().dup());
            assertFalse(((ResidualAdd.Runtime) ours.getVertex("r")).sharesGradient(), second.toString());
            INDArray in = GradientChecks.rand(2, 2, 5, 4);
            INDArray labels = GradientChecks.rand(ours.outputSingle(in).shape());
            for (ComputationGraph g : new ComputationGraph[] {ours, builtIn}) {
                g.setInputs(in);
                g.setLabels(labels);
                g.computeGradientAndScore();
            }
            assertTrue(ours.gradient().gradient().equalsWithEps(builtIn.gradient().gradient(), 1e-12));
        }
        // a TANH second input would be refused whatever the order: its backward pass is DL4J's
        ComputationGraph tanh = residualChain(true, Activation.TANH);
        assertFalse(((ResidualAdd.Runtime) tanh.getVertex("r0")).sharesGradient());
        ComputationGraph relu = residualChain(true, Activation.RELU);
        assertTrue(((ResidualAdd.Runtime) relu.getVertex("r0")).sharesGradient());
        INDArray in = GradientChecks.rand(2, 2, 6, 5);
        GradientChecks.check(relu, new INDArray[] {in}, new INDArray[] {GradientChecks.rand(relu.outputSingle(in).shape())});
    }

    /** {@code r = a + b} with b independent of a, and {@code c = conv(a)} between b and r in topological order. */
    private static ComputationGraph crossedResidual(boolean ours, Activation second) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(9).dataType(DataType.DOUBLE)
                .updater(new NoOp()).weightInit(WeightInit.XAVIER).graphBuilder().addInputs("in")
                .addLayer("a", new Conv2D.Builder(3, 3).nOut(3).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.TANH).build(), "in")
                .addLayer("b", new Conv2D.Builder(3, 3).nOut(3).convolutionMode(ConvolutionMode.Same)
                        .activation(second).build(), "in")
                .addLayer("c", new Conv2D.Builder(3, 3).nOut(3).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.TANH).build(), "a")
                .addVertex("r", ours ? new ResidualAdd() : new ElementWiseVertex(ElementWiseVertex.Op.Add), "a", "b")
                .addVertex("both", new ElementWiseVertex(ElementWiseVertex.Op.Product), "r", "c")
                .addLayer("out", new CnnLossLayer.Builder(LossFunctions.LossFunction.L2)
                        .activation(Activation.IDENTITY).build(), "both")
                .setOutputs("out").setInputTypes(InputType.convolutional(5, 4, 2)).build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        int[] order = g.topologicalSortOrder();
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int v : order) {
            names.add(g.getVertices()[v].getVertexName());
        }
        assertTrue(names.indexOf("b") < names.indexOf("c") && names.indexOf("c") < names.indexOf("r"),
                "the test needs b, c, r in this topological order, got " + names);
        return g;
    }

    /** EDSR's pattern: a stream with three residual blocks and a global skip. */
    static ComputationGraph residualChain(boolean ours) {
        return residualChain(ours, Activation.IDENTITY);
    }

    /** {@link #residualChain(boolean)} with {@code second} as the activation of each block's second convolution. */
    static ComputationGraph residualChain(boolean ours, Activation second) {
        ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder().seed(5)
                .dataType(DataType.DOUBLE).updater(new NoOp()).weightInit(WeightInit.XAVIER).graphBuilder()
                .addInputs("in")
                .addLayer("head", new Conv2D.Builder(3, 3).nOut(3).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).build(), "in");
        String r = "head";
        for (int i = 0; i < 3; i++) {
            b.addLayer("a" + i, new Conv2D.Builder(3, 3).nOut(3).convolutionMode(ConvolutionMode.Same)
                    .activation(Activation.TANH).build(), r);
            b.addLayer("b" + i, new Conv2D.Builder(3, 3).nOut(3).convolutionMode(ConvolutionMode.Same)
                    .activation(second).build(), "a" + i);
            b.addVertex("r" + i, ours ? new ResidualAdd() : new ElementWiseVertex(ElementWiseVertex.Op.Add), r, "b" + i);
            r = "r" + i;
        }
        b.addVertex("skip", ours ? new ResidualAdd() : new ElementWiseVertex(ElementWiseVertex.Op.Add), r, "head");
        b.addLayer("out", new CnnLossLayer.Builder(LossFunctions.LossFunction.L2).activation(Activation.IDENTITY).build(),
                "skip");
        ComputationGraph g = new ComputationGraph(b.setOutputs("out").setInputTypes(InputType.convolutional(6, 5, 2)).build());
        g.init();
        return g;
    }

    @Test
    void graphSerializationRoundTripIsExact() throws Exception {
        ComputationGraph g = graph(DataType.FLOAT, true);
        assertEquals(g.getConfiguration(), ComputationGraphConfiguration.fromJson(g.getConfiguration().toJson()));
        // one Adam step so that updater state is non-trivial, then save with it
        ComputationGraph trained = new ComputationGraph(ComputationGraphConfiguration.fromJson(
                g.getConfiguration().toJson().replace("\"@class\" : \"org.nd4j.linalg.learning.config.NoOp\"",
                        "\"@class\" : \"org.nd4j.linalg.learning.config.Adam\", \"learningRate\" : 0.001, \"beta1\" : 0.9,"
                                + " \"beta2\" : 0.999, \"epsilon\" : 1.0E-8")));
        trained.init();
        INDArray in = Nd4j.rand(DataType.FLOAT, 2, 3, 8, 6);
        INDArray[] outs = trained.output(in);
        trained.fit(new INDArray[] {in}, new INDArray[] {Nd4j.rand(DataType.FLOAT, outs[0].shape()),
            Nd4j.rand(DataType.FLOAT, outs[1].shape())});
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(trained, bytes, true);
        ComputationGraph back = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes.toByteArray()), true);
        assertEquals(trained.params(), back.params());
        assertEquals(trained.getUpdater().getStateViewArray(), back.getUpdater().getStateViewArray());
        assertEquals(trained.output(in)[1], back.output(in)[1]);
    }
}
