package org.taskscale.models;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.taskscale.layers.AdaptiveResample;
import org.taskscale.layers.BatchNorm;
import org.taskscale.layers.BicubicResize;
import org.taskscale.layers.JpegRoundTrip;
import org.taskscale.degrade.QualityRange;
import org.taskscale.layers.Conv2D;
import org.taskscale.layers.Luminance;
import org.taskscale.layers.PReLU;
import org.taskscale.layers.PixelLoss;
import org.taskscale.layers.PixelShuffle;
import org.taskscale.layers.PixelUnshuffle;
import org.taskscale.layers.Quantize8;
import org.taskscale.layers.ResidualAdd;
import org.taskscale.layers.TransposedConv2D;

/**
 * The graph vocabulary the architectures share: each call adds one named node in the model's layout and
 * returns its name, so an architecture reads as its paper's figure. Convolutions use 'same' padding, PyTorch's
 * default initialisation and our oneDNN layers; the first convolution skips the unused input gradient.
 */
final class NetBuilder {
    /** Nominal input side used for shape inference; layers run on any size at run time. */
    static final int NOMINAL = 96;

    private final ComputationGraphConfiguration.GraphBuilder g;
    private final CNN2DFormat f;
    private final IUpdater updater;
    private final int inputChannels;
    private final QualityRange lrJpeg;
    private boolean firstConvDone;

    NetBuilder(ModelConfig m, IUpdater updater, int inputChannels) {
        this.f = m.layout();
        this.lrJpeg = m.lrJpeg();
        this.updater = updater;
        this.inputChannels = inputChannels;
        this.g = new NeuralNetConfiguration.Builder().seed(m.seed()).dataType(DataType.FLOAT).updater(updater)
                .weightInit(new TorchInit()).trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED).graphBuilder().addInputs("in");
    }

    /** A k x k convolution, stride 1. */
    String conv(String name, String in, int k, int nOut, Activation act) {
        return conv(name, in, k, nOut, act, 1, 1, null);
    }

    /** A k x k convolution, stride 1, with any activation function (e.g. LeakyReLU(0.2)). */
    String conv(String name, String in, int k, int nOut, org.nd4j.linalg.activations.IActivation act) {
        String n = conv(name, in, k, nOut, Activation.IDENTITY);
        ((org.deeplearning4j.nn.conf.layers.BaseLayer) ((org.deeplearning4j.nn.conf.graph.LayerVertex) g.getVertices().get(n))
                .getLayerConf().getLayer()).setActivationFn(act);
        return n;
    }

    /** CAR's content-adaptive resampler: {@code image} sampled by per-pixel kernel logits and offsets. */
    String resample(String name, String image, String logits, String offsets, int k, int scale, double offsetL1,
                    double offsetTv) {
        g.addVertex(name, new AdaptiveResample(k, scale, scale, true, f, offsetL1, offsetTv), image, logits, offsets);
        return name;
    }

    /** A k x k convolution with stride and dilation, optionally with its own updater. */
    String conv(String name, String in, int k, int nOut, Activation act, int stride, int dilation, IUpdater own) {
        boolean first = in.equals("in") && !firstConvDone;
        firstConvDone |= first;
        Conv2D.Builder b = new Conv2D.Builder(k, k);
        b.firstLayer(first);
        b.stride(stride, stride).dilation(dilation, dilation).nOut(nOut)
                .convolutionMode(ConvolutionMode.Same).dataFormat(f).activation(act);
        if (own != null) {
            b.updater(own);
        }
        g.addLayer(name, b.build(), in);
        return name;
    }

    /** A 4x4 stride-2 transposed convolution: exactly twice the size. */
    String up2(String name, String in, int nOut, Activation act) {
        g.addLayer(name, new TransposedConv2D.Builder(4, 4).stride(2, 2).nOut(nOut).convolutionMode(ConvolutionMode.Same)
                .dataFormat(f).activation(act).build(), in);
        return name;
    }

    /**
     * Batch normalisation over the channels ({@link BatchNorm}: DL4J's, with a faster inference pass); Zhang et
     * al.'s colorization blocks end in one.
     */
    String batchNorm(String name, String in) {
        g.addLayer(name, new BatchNorm(f), in);
        return name;
    }

    /** PReLU with one shared slope (PyTorch's {@code nn.PReLU()}). */
    String prelu(String name, String in) {
        g.addLayer(name, new PReLU.Builder().build(), in);
        return name;
    }

    /** {@code a + scale * b}. */
    String add(String name, String a, String b, double scale) {
        g.addVertex(name, scale == 1.0 ? new ResidualAdd() : new ResidualAdd(scale), a, b);
        return name;
    }

    String add(String name, String a, String b) {
        return add(name, a, b, 1.0);
    }

    /** EDSR / TAR residual block: conv 3x3, ReLU, conv 3x3, scaled, plus the input. */
    String resblock(String name, String in, int c, double resScale) {
        String a = conv(name + "_conv1", in, 3, c, Activation.RELU);
        String b = conv(name + "_conv2", a, 3, c, Activation.IDENTITY);
        return add(name, in, b, resScale);
    }

    String shuffle(String name, String in, int r) {
        g.addLayer(name, new PixelShuffle.Builder(r).dataFormat(f).build(), in);
        return name;
    }

    String unshuffle(String name, String in, int r) {
        g.addLayer(name, new PixelUnshuffle.Builder(r).dataFormat(f).build(), in);
        return name;
    }

    /** Fixed MATLAB-bicubic resize by {@code scale}. */
    String bicubic(String name, String in, double scale) {
        g.addLayer(name, new BicubicResize.Builder(scale).dataFormat(f).build(), in);
        return name;
    }

    /** A JPEG round trip of the 8-bit image {@code in} while training, when the model asks for one; else {@code in}. */
    String lrJpeg(String name, String in) {
        if (lrJpeg == null) {
            return in;
        }
        g.addLayer(name, new JpegRoundTrip.Builder(lrJpeg.min(), lrJpeg.max()).dataFormat(f).build(), in);
        return name;
    }

    String quantize(String name, String in) {
        g.addLayer(name, new Quantize8.Builder().build(), in);
        return name;
    }

    String luminance(String name, String in) {
        g.addLayer(name, new Luminance.Builder().dataFormat(f).build(), in);
        return name;
    }

    /** An output: a pixel loss of {@code kind} and {@code weight} on node {@code in}. */
    String output(String name, String in, PixelLoss.Kind kind, double weight) {
        g.addLayer(name, new PixelLoss(kind, weight, f), in);
        return name;
    }

    IUpdater updater() {
        return updater;
    }

    ComputationGraphConfiguration build(String... outputs) {
        return g.setOutputs(outputs).setInputTypes(InputType.convolutional(NOMINAL, NOMINAL, inputChannels, f)).build();
    }
}
