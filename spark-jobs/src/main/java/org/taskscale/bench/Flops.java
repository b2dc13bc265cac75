package org.taskscale.bench;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.taskscale.layers.AdaptiveResample;
import org.taskscale.layers.BicubicResize;
import org.taskscale.layers.Conv2D;

/**
 * Floating-point operations of one iteration, counted from the graph, the figure a benchmark divides by time to
 * compare with the machine's measured peak. A multiply-add counts 2.
 * <ul>
 *   <li>Convolutions as direct convolutions, the work every algorithm computes. oneDNN runs forward passes direct
 *       ({@code brgconv}) but many 3x3 backward passes (data, weights or both, by layer shape) as Winograd
 *       F(4x4, 3x3), about a quarter of the multiplications plus transforms: {@code DNNL_VERBOSE=1} lists the
 *       algorithm per call, and {@code peers/dnnl_profile.py} counts what ran (docs/speed.md). The rate here is
 *       therefore direct-equivalent. Training counts the forward pass, the weight gradient and the input gradient
 *       (skipped for a {@link Conv2D} marked first layer).</li>
 *   <li>CAR's resampler ({@link AdaptiveResample}): per LR pixel, channel and tap, a bilinear sample (4
 *       multiply-adds) weighted into the sum (1), forward; the backward pass twice that (the gradients of the
 *       image, the weights and the offsets).</li>
 *   <li>{@link BicubicResize}: the dense matrix products it runs, along the width then the height; backward the
 *       same products transposed.</li>
 * </ul>
 * Element-wise work (activations, additions, batch norm, PReLU, losses, the Adam update) is not counted: it is
 * memory-bound, and is part of why a network's fraction of the peak is low.
 */
public final class Flops {
    private Flops() {}

    /** One iteration's FLOPs: the convolutions' and the rest's (resampler, bicubic resize). */
    public record Count(double convolution, double other) {
        public double total() {
            return convolution + other;
        }
    }

    /** FLOPs of one training step on a minibatch of {@code batch} images of {@code input}. */
    public static Count training(ComputationGraphConfiguration conf, long batch, InputType input) {
        return count(conf, batch, input, true);
    }

    /** FLOPs of one forward pass. */
    public static Count inference(ComputationGraphConfiguration conf, long batch, InputType input) {
        return count(conf, batch, input, false);
    }

    private static Count count(ComputationGraphConfiguration conf, long batch, InputType input, boolean training) {
        Map<String, InputType> types = conf.getLayerActivationTypes(input);
        Map<String, List<String>> inputs = conf.getVertexInputs();
        double conv = 0;
        double other = 0;
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            String name = e.getKey();
            List<String> in = inputs.get(name);
            if (in == null) {
                throw new IllegalStateException("Vertex " + name + " has no inputs.");
            }
            // a vertex fed by the network's input finds no activation type of that name: the input's own
            InputType first = in.isEmpty() ? null : types.getOrDefault(in.get(0), input);
            if (e.getValue() instanceof AdaptiveResample r) {
                InputType.InputTypeConvolutional out = (InputType.InputTypeConvolutional) types.get(name);
                double forward = 2.0 * 5 * batch * out.getHeight() * out.getWidth() * out.getChannels()
                        * r.getKernel() * r.getKernel();
                other += training ? 3 * forward : forward;
                continue;
            }
            if (!(e.getValue() instanceof LayerVertex lv)) {
                continue;
            }
            if (lv.getLayerConf().getLayer() instanceof BicubicResize && first instanceof InputType.InputTypeConvolutional a) {
                InputType.InputTypeConvolutional b = (InputType.InputTypeConvolutional) types.get(name);
                double planes = batch * a.getChannels();
                double forward = 2.0 * planes * (a.getHeight() * a.getWidth() * b.getWidth()
                        + b.getHeight() * a.getHeight() * b.getWidth());
                other += training ? 2 * forward : forward;
                continue;
            }
            if (!(lv.getLayerConf().getLayer() instanceof ConvolutionLayer c)) {
                continue;
            }
            InputType.InputTypeConvolutional out = (InputType.InputTypeConvolutional) types.get(name);
            // a convolution does k*k*Cin MACs per output value; a transposed one k*k*Cout per input value
            long pixels = out.getHeight() * out.getWidth();
            if (c instanceof Deconvolution2D && first instanceof InputType.InputTypeConvolutional fin) {
                pixels = fin.getHeight() * fin.getWidth();
            }
            long macs = batch * pixels * out.getChannels() * c.getNIn() * c.getKernelSize()[0] * c.getKernelSize()[1];
            double passes = 1;
            if (training) {
                boolean firstLayer = c instanceof Conv2D conv2d && conv2d.isFirstLayer();
                passes = firstLayer ? 2 : 3;
            }
            conv += 2.0 * macs * passes;
        }
        return new Count(conv, other);
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
