package org.taskscale.bench;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.taskscale.layers.Conv2D;

/**
 * Floating-point operations of the convolutions of a graph, the figure a benchmark divides by time to
 * compare with the CPU's peak (oneDNN may run 3x3 convolutions as Winograd transforms, which do fewer
 * multiplications: the "effective" rate can then exceed the peak): a multiply-add counts 2; training counts the forward pass, the weight
 * gradient and the input gradient (skipped for a {@link Conv2D} marked first layer).
 */
public final class Flops {
    private Flops() {}

    /** Convolution FLOPs of one training step on a minibatch of {@code batch} images of {@code input}. */
    public static double training(ComputationGraphConfiguration conf, long batch, InputType input) {
        return count(conf, batch, input, true);
    }

    /** Convolution FLOPs of one forward pass. */
    public static double inference(ComputationGraphConfiguration conf, long batch, InputType input) {
        return count(conf, batch, input, false);
    }

    private static double count(ComputationGraphConfiguration conf, long batch, InputType input, boolean training) {
        Map<String, InputType> types = conf.getLayerActivationTypes(input);
        Map<String, List<String>> inputs = conf.getVertexInputs();
        double total = 0;
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            if (!(e.getValue() instanceof LayerVertex lv) || !(lv.getLayerConf().getLayer() instanceof ConvolutionLayer c)) {
                continue;
            }
            InputType.InputTypeConvolutional out = (InputType.InputTypeConvolutional) types.get(e.getKey());
            // a convolution does k*k*Cin MACs per output value; a transposed one k*k*Cout per input value
            long pixels = out.getHeight() * out.getWidth();
            if (c instanceof Deconvolution2D) {
                InputType.InputTypeConvolutional in = (InputType.InputTypeConvolutional) types.get(inputs.get(e.getKey()).get(0));
                pixels = in != null ? in.getHeight() * in.getWidth() : pixels;
            }
            long macs = batch * pixels * out.getChannels() * c.getNIn() * c.getKernelSize()[0] * c.getKernelSize()[1];
            double passes = 1;
            if (training) {
                boolean first = c instanceof Conv2D conv && conv.isFirstLayer();
                passes = first ? 2 : 3;
            }
            total += 2.0 * macs * passes;
            if (inputs.get(e.getKey()) == null) {
                throw new IllegalStateException("Vertex " + e.getKey() + " has no inputs.");
            }
        }
        return total;
    }

    /**
     * Values of every vertex's output for a minibatch of {@code batch}: what training keeps for the backward pass
     * (each also gets a gradient of its size), the bulk of a minibatch's device memory.
     */
    public static long activations(ComputationGraphConfiguration conf, long batch, InputType input) {
        long total = 0;
        for (InputType t : conf.getLayerActivationTypes(input).values()) {
            total += t.arrayElementsPerExample();
        }
        return batch * total;
    }
}
