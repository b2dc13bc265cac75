package org.taskscale.tiles;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.NoParamLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.taskscale.layers.AdaptiveResample;
import org.taskscale.layers.BicubicResize;
import org.taskscale.layers.PReLU;
import org.taskscale.layers.PixelShuffle;
import org.taskscale.layers.PixelUnshuffle;

/**
 * How far an output pixel of a fully convolutional graph sees into its input, from the layers' kernels, strides
 * and resampling factors (an upper bound), and the grid its tiles must sit on. Used to size the overlap of tiled
 * inference so that tiles give exactly the whole-image result.
 *
 * @param radius input pixels on each side of an output pixel's footprint that can change it
 * @param alignment tile origins and sizes must be multiples of this (the product of the downsampling factors)
 * @param outputPerInput output pixels per input pixel along each axis (2 for a x2 upscaler, 0.5 for a x2 downscaler)
 */
public record Footprint(double radius, int alignment, double outputPerInput) {
    /** The footprint of the graph's only output. Fails with a sentence naming a layer it cannot reason about. */
    public static Footprint of(ComputationGraph net) {
        ComputationGraphConfiguration conf = net.getConfiguration();
        Map<String, Double> radius = new HashMap<>();
        Map<String, Double> step = new HashMap<>(); // input pixels per pixel of the vertex's output
        for (String in : conf.getNetworkInputs()) {
            radius.put(in, 0.0);
            step.put(in, 1.0);
        }
        double align = 1;
        for (String v : order(net)) {
            if (radius.containsKey(v)) {
                continue;
            }
            double r = 0;
            double f = -1;
            for (String in : conf.getVertexInputs().get(v)) {
                r = Math.max(r, radius.get(in));
                f = Math.max(f, step.get(in));
            }
            GraphVertex gv = conf.getVertices().get(v);
            if (gv instanceof AdaptiveResample a) {
                // taps reach (k-1)/2 + unit (the largest offset) + 1 (bilinear) HR pixels from the footprint centre
                String image = conf.getVertexInputs().get(v).get(0);
                double fi = step.get(image);
                r = Math.max(r, radius.get(image) + ((a.getKernel() - 1) / 2.0 + a.getUnit() + 1 + a.getScale()) * fi);
                f = fi * a.getScale();
            } else if (gv instanceof LayerVertex lv) {
                Layer l = lv.getLayerConf().getLayer();
                if (l instanceof Deconvolution2D d) {
                    int k = Math.max(d.getKernelSize()[0], d.getKernelSize()[1]);
                    int s = Math.max(d.getStride()[0], d.getStride()[1]);
                    r += Math.ceil((double) k / s) * f;
                    f /= s;
                } else if (l instanceof ConvolutionLayer c) {
                    int k = Math.max(c.getKernelSize()[0], c.getKernelSize()[1]);
                    int d = Math.max(c.getDilation()[0], c.getDilation()[1]);
                    int s = Math.max(c.getStride()[0], c.getStride()[1]);
                    r += (k / 2) * d * f + (s - 1) * f;
                    f *= s;
                } else if (l instanceof PixelUnshuffle u) {
                    r += (u.getFactor() - 1) * f;
                    f *= u.getFactor();
                } else if (l instanceof PixelShuffle p) {
                    f /= p.getFactor();
                } else if (l instanceof BicubicResize b) {
                    double s = b.getScale();
                    if (s < 1) {
                        r += (2 / s + 1) * f; // the antialiased kernel spans 4/s input pixels
                        f /= s;
                    } else {
                        r += 3 * f;
                        f /= s;
                    }
                } else if (!(l instanceof NoParamLayer || l instanceof BatchNormalization || l instanceof PReLU
                        || l instanceof org.deeplearning4j.nn.conf.layers.PReLULayer || l instanceof ActivationLayer
                        || l instanceof CnnLossLayer || l instanceof BaseOutputLayer)) {
                    throw new IllegalArgumentException("Tiled inference does not know how far layer '" + v + "' ("
                            + l.getClass().getSimpleName() + ") sees: give the overlap explicitly.");
                }
            }
            radius.put(v, r);
            step.put(v, f);
            if (f > align) {
                align = f;
            }
        }
        String out = conf.getNetworkOutputs().get(0);
        return new Footprint(radius.get(out), (int) Math.round(align), 1.0 / step.get(out));
    }

    /** The overlap tiles need on each side (input pixels, a multiple of the alignment). */
    public int overlap() {
        int m = (int) Math.ceil(radius) + 1;
        return (m + alignment - 1) / alignment * alignment;
    }

    private static List<String> order(ComputationGraph net) {
        var names = new java.util.ArrayList<String>();
        for (int i : net.topologicalSortOrder()) {
            names.add(net.getVertices()[i].getVertexName());
        }
        return names;
    }
}
