package org.taskscale.bench;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.taskscale.layers.Conv2D;
import org.taskscale.layers.PixelLoss;
import org.taskscale.layers.PixelShuffle;
import org.taskscale.models.Architecture;
import org.taskscale.models.ModelConfig;
import org.taskscale.models.ModelRegistry;

/**
 * The networks {@code bench train} measures: every registered architecture (built by the model registry) and
 * {@code aetad2}, the peer's own small TAD-like autoencoder. The PyTorch peer ({@code peers/torch_train_bench.py},
 * its networks in {@code peers/torch_nets.py}) has every one of them, and trains them at the shapes given here (srcnn
 * on one channel; arcnn with minibatch 8, the others 16; each architecture's default patch). Adam (lr 1e-4), as the
 * peer trains them.
 */
public final class PeerNets {
    /** A benchmark network with its input shape ({@code [N, C, H, W]} or {@code [N, H, W, C]}). */
    public record Spec(String name, ComputationGraph net, long[] inputShape) {}

    /** Every network {@link #build} knows, each with its PyTorch peer: the registry's, then aetad2. */
    public static final java.util.List<String> NAMES = java.util.stream.Stream.concat(ModelRegistry.names().stream(),
            java.util.stream.Stream.of("aetad2")).toList();

    public static Spec build(String name, int batch, int patch) {
        return build(name, batch, patch, CNN2DFormat.NCHW);
    }

    /** The named network in the given tensor layout, with the peer's minibatch and patch unless given. */
    public static Spec build(String name, int batch, int patch, CNN2DFormat format) {
        PeerNets f = new PeerNets(format);
        if (name.equals("aetad2")) {
            return new Spec(name, f.aetad2Net(), f.shape(batch > 0 ? batch : 16, 3, p(patch, 96)));
        }
        if (!ModelRegistry.names().contains(name)) {
            throw new IllegalArgumentException("Unknown benchmark network '" + name + "'; known: " + NAMES + ".");
        }
        ModelConfig m = ModelConfig.defaults(name).withLayout(format).withColors(name.startsWith("srcnn") ? 1 : 3);
        Architecture a = ModelRegistry.get(name);
        int dflt = switch (name) {
            case "arcnn" -> 8;
            default -> 16;
        };
        ComputationGraph net = ModelRegistry.build(m, new Adam(1e-4));
        return new Spec(name, net, f.shape(batch > 0 ? batch : dflt, a.inputChannels(m), p(patch, a.defaultPatch(m))));
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

    /** Mean squared error, as the peer. */
    Layer loss() {
        return new PixelLoss(PixelLoss.Kind.L2, 1.0, format);
    }

    private static ComputationGraph init(ComputationGraphConfiguration conf) {
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
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
