package org.taskscale.bench;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.taskscale.layers.Conv2D;
import org.taskscale.layers.PReLU;
import org.taskscale.layers.ResidualAdd;
import org.taskscale.layers.PixelShuffle;

/**
 * The networks of the PyTorch peer benchmark ({@code shared/peers/torch_train_bench.py}), layer for layer,
 * built from our layers: what {@code bench train} measures until the model zoo provides them by name.
 * Adam (lr 1e-4) and a mean-squared-error loss, as the peer trains them.
 */
public final class PeerNets {
    /** A benchmark network with its input shape {@code [N, C, H, W]}. */
    public record Spec(String name, ComputationGraph net, long[] inputShape) {}

    public static final java.util.List<String> NAMES = java.util.List.of("srcnn", "arcnn", "edsr", "aetad2");

    public static Spec build(String name, int batch, int patch) {
        return build(name, batch, patch, CNN2DFormat.NCHW);
    }

    /**
     * The named network in the given tensor layout; the input shape is {@code [N, C, H, W]} for NCHW and
     * {@code [N, H, W, C]} for NHWC (oneDNN's channels-last kernels run the forward pass 10-80% faster here).
     */
    public static Spec build(String name, int batch, int patch, CNN2DFormat format) {
        PeerNets f = new PeerNets(format);
        return switch (name) {
            case "srcnn" -> new Spec(name, f.srcnnNet(), f.shape(batch > 0 ? batch : 16, 1, p(patch, 33)));
            case "arcnn" -> new Spec(name, f.arcnnNet(), f.shape(batch > 0 ? batch : 8, 3, p(patch, 128)));
            case "edsr" -> new Spec(name, f.edsrNet(2), f.shape(batch > 0 ? batch : 16, 3, p(patch, 48)));
            case "aetad2" -> new Spec(name, f.aetad2Net(), f.shape(batch > 0 ? batch : 16, 3, p(patch, 96)));
            default -> throw new IllegalArgumentException("Unknown benchmark network '" + name + "'; known: " + NAMES + ".");
        };
    }

    private final CNN2DFormat format;

    private PeerNets(CNN2DFormat format) {
        this.format = format;
    }

    private long[] shape(long n, long c, long hw) {
        return format == CNN2DFormat.NHWC ? new long[] {n, hw, hw, c} : new long[] {n, c, hw, hw};
    }

    private InputType input(long hw, long c) {
        return InputType.convolutional(hw, hw, c, format);
    }

    private static int p(int patch, int dflt) {
        return patch > 0 ? patch : dflt;
    }

    private static ComputationGraphConfiguration.GraphBuilder graph() {
        return new NeuralNetConfiguration.Builder().seed(0).dataType(DataType.FLOAT).updater(new Adam(1e-4))
                .weightInit(WeightInit.XAVIER).trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED).graphBuilder();
    }

    Layer conv(int k, int nOut, Activation act) {
        return new Conv2D.Builder(k, k).nOut(nOut).convolutionMode(ConvolutionMode.Same).dataFormat(format)
                .activation(act).build();
    }

    Layer first(int k, int nOut, Activation act) {
        return new Conv2D.Builder(k, k).firstLayer(true).nOut(nOut).convolutionMode(ConvolutionMode.Same)
                .dataFormat(format).activation(act).build();
    }

    /** Mean squared error (L2 for NHWC: DL4J's MSE gradient is wrong there, by a factor H/C). */
    Layer loss() {
        return new CnnLossLayer.Builder(format == CNN2DFormat.NHWC ? LossFunctions.LossFunction.L2
                : LossFunctions.LossFunction.MSE).format(format).activation(Activation.IDENTITY).build();
    }

    private static ComputationGraph init(ComputationGraphConfiguration conf) {
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    /** SRCNN 9-1-5, 64/32 channels, on 1x33x33. */
    public static ComputationGraph srcnn() {
        return new PeerNets(CNN2DFormat.NCHW).srcnnNet();
    }

    ComputationGraph srcnnNet() {
        return init(graph().addInputs("in")
                .addLayer("c1", first(9, 64, Activation.RELU), "in")
                .addLayer("c2", conv(1, 32, Activation.RELU), "c1")
                .addLayer("c3", conv(5, 1, Activation.IDENTITY), "c2")
                .addLayer("loss", loss(), "c3")
                .setOutputs("loss").setInputTypes(input(33, 1)).build());
    }

    /** The seed JPEG restorer (ARCNN-style), single-parameter PReLUs as nn.PReLU(). */
    public static ComputationGraph arcnn() {
        return new PeerNets(CNN2DFormat.NCHW).arcnnNet();
    }

    ComputationGraph arcnnNet() {
        ComputationGraphConfiguration.GraphBuilder b = graph().addInputs("in");
        String prev = "in";
        int[][] stages = {{3, 128}, {128, 64}, {64, 32}};
        int i = 0;
        for (int[] s : stages) {
            b.addLayer("c" + i, i == 0 ? first(3, s[1], Activation.IDENTITY) : conv(3, s[1], Activation.IDENTITY), prev);
            b.addLayer("p" + i, conv(1, s[1], Activation.IDENTITY), "c" + i);
            b.addLayer("a" + i, new PReLU.Builder().build(), "p" + i);
            b.addLayer("d" + i, conv(3, s[1], Activation.IDENTITY), "a" + i);
            b.addLayer("b" + i, new PReLU.Builder().build(), "d" + i);
            prev = "b" + i;
            i++;
        }
        b.addLayer("e", conv(1, 16, Activation.IDENTITY), prev);
        b.addLayer("ea", new PReLU.Builder().build(), "e");
        b.addLayer("out", conv(5, 3, Activation.IDENTITY), "ea");
        b.addLayer("loss", loss(), "out");
        return init(b.setOutputs("loss").setInputTypes(input(128, 3)).build());
    }

    /** EDSR-baseline: 16 residual blocks of 64 channels, global skip, pixel-shuffle upsampler. */
    public static ComputationGraph edsr(int scale) {
        return new PeerNets(CNN2DFormat.NCHW).edsrNet(scale);
    }

    ComputationGraph edsrNet(int scale) {
        ComputationGraphConfiguration.GraphBuilder b = graph().addInputs("in")
                .addLayer("head", first(3, 64, Activation.IDENTITY), "in");
        String r = "head";
        for (int i = 0; i < 16; i++) {
            b.addLayer("b" + i + "a", conv(3, 64, Activation.RELU), r);
            b.addLayer("b" + i + "b", conv(3, 64, Activation.IDENTITY), "b" + i + "a");
            b.addVertex("r" + i, new ResidualAdd(), r, "b" + i + "b");
            r = "r" + i;
        }
        b.addLayer("body_end", conv(3, 64, Activation.IDENTITY), r);
        b.addVertex("skip", new ResidualAdd(), "body_end", "head");
        b.addLayer("up", conv(3, 64 * scale * scale, Activation.IDENTITY), "skip");
        b.addLayer("shuffle", new PixelShuffle.Builder(scale).dataFormat(format).build(), "up");
        b.addLayer("tail", conv(3, 3, Activation.IDENTITY), "shuffle");
        b.addLayer("loss", loss(), "tail");
        return init(b.setOutputs("loss").setInputTypes(input(48, 3)).build());
    }

    /** The peer's small TAD-like x2 down/up autoencoder on 3x96x96. */
    public static ComputationGraph aetad2() {
        return new PeerNets(CNN2DFormat.NCHW).aetad2Net();
    }

    ComputationGraph aetad2Net() {
        int c = 64;
        return init(graph().addInputs("in")
                .addLayer("d1", first(3, c, Activation.RELU), "in")
                .addLayer("d2", new Conv2D.Builder(3, 3).nOut(c).stride(2, 2).convolutionMode(ConvolutionMode.Same)
                        .dataFormat(format).activation(Activation.RELU).build(), "d1")
                .addLayer("d3", conv(3, c, Activation.RELU), "d2")
                .addLayer("lr", conv(3, 3, Activation.IDENTITY), "d3")
                .addLayer("u1", conv(3, c, Activation.RELU), "lr")
                .addLayer("u2", conv(3, c, Activation.RELU), "u1")
                // the peer applies ReLU after the shuffle; a permutation commutes with ReLU, so it goes on u3
                .addLayer("u3", conv(3, 4 * c, Activation.RELU), "u2")
                .addLayer("ps", new PixelShuffle.Builder(2).dataFormat(format).build(), "u3")
                .addLayer("u4", conv(3, 3, Activation.IDENTITY), "ps")
                .addLayer("loss", loss(), "u4")
                .setOutputs("loss").setInputTypes(input(96, 3)).build());
    }
}
