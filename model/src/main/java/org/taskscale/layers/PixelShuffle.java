package org.taskscale.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Depth to space in PyTorch's {@code pixel_shuffle} channel order: {@code [N, C r^2, H, W] -> [N, C, H r, W r]},
 * output {@code (c, h r + i, w r + j)} = input {@code (c r^2 + i r + j, h, w)}. (libnd4j's
 * {@code depth_to_space} uses TensorFlow's order, which differs by a channel permutation.)
 */
public class PixelShuffle extends ShapeLayer {
    protected int factor;
    protected CNN2DFormat dataFormat = CNN2DFormat.NCHW;

    public PixelShuffle() {}

    protected PixelShuffle(Builder b) {
        super(b);
        this.factor = b.factor;
        this.dataFormat = b.dataFormat;
    }

    public int getFactor() { return factor; }

    public void setFactor(int factor) { this.factor = factor; }

    public CNN2DFormat getDataFormat() { return dataFormat; }

    public void setDataFormat(CNN2DFormat dataFormat) { this.dataFormat = dataFormat; }

    @Override
    protected Layer createLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new Runtime(conf, dataType);
    }

    @Override
    protected InputType.InputTypeConvolutional outputType(InputType.InputTypeConvolutional in) {
        long r2 = (long) factor * factor;
        if (in.getChannels() % r2 != 0) {
            throw new IllegalStateException("PixelShuffle(" + factor + ") layer '" + getLayerName() + "' needs channels"
                    + " divisible by " + r2 + ", got " + in.getChannels() + ".");
        }
        return (InputType.InputTypeConvolutional) InputType.convolutional(in.getHeight() * factor,
                in.getWidth() * factor, in.getChannels() / r2, dataFormat);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PixelShuffle p && p.getClass() == getClass() && p.factor == factor && p.dataFormat == dataFormat
                && java.util.Objects.equals(p.layerName, layerName);
    }

    @Override
    public int hashCode() {
        return 31 * getClass().hashCode() + factor;
    }

    @Override
    public PixelShuffle clone() {
        return (PixelShuffle) super.clone();
    }

    /** {@code [N, C r^2, H, W] -> [N, C, H r, W r]} (NCHW) or {@code [N, H, W, C r^2] -> [N, H r, W r, C]} (NHWC). */
    static void shuffle(INDArray in, INDArray out, int r, boolean nhwc) {
        long n = in.size(0);
        if (nhwc) {
            long h = in.size(1);
            long w = in.size(2);
            long c = out.size(3);
            out.reshape('c', n, h, r, w, r, c).assign(in.reshape('c', n, h, w, c, r, r).permute(0, 1, 4, 2, 5, 3));
            return;
        }
        long c = out.size(1);
        long h = in.size(2);
        long w = in.size(3);
        out.reshape('c', n, c, h, r, w, r).assign(in.reshape('c', n, c, r, r, h, w).permute(0, 1, 4, 2, 5, 3));
    }

    /** The inverse of {@link #shuffle}. */
    static void unshuffle(INDArray in, INDArray out, int r, boolean nhwc) {
        long n = out.size(0);
        if (nhwc) {
            long h = out.size(1);
            long w = out.size(2);
            long c = in.size(3);
            out.reshape('c', n, h, w, c, r, r).assign(in.reshape('c', n, h, r, w, r, c).permute(0, 1, 3, 5, 2, 4));
            return;
        }
        long c = in.size(1);
        long h = out.size(2);
        long w = out.size(3);
        out.reshape('c', n, c, r, r, h, w).assign(in.reshape('c', n, c, h, r, w, r).permute(0, 1, 3, 5, 2, 4));
    }

    /** Output shape of a shuffle ({@code up}) or unshuffle of {@code in}. */
    static long[] shape(INDArray in, int r, boolean up, boolean nhwc) {
        long rr = (long) r * r;
        if (nhwc) {
            return up ? new long[] {in.size(0), in.size(1) * r, in.size(2) * r, in.size(3) / rr}
                      : new long[] {in.size(0), in.size(1) / r, in.size(2) / r, in.size(3) * rr};
        }
        return up ? new long[] {in.size(0), in.size(1) / rr, in.size(2) * r, in.size(3) * r}
                  : new long[] {in.size(0), in.size(1) * rr, in.size(2) / r, in.size(3) / r};
    }

    static final class Runtime extends ShapeLayerRuntime<PixelShuffle> {
        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        protected INDArray forward(INDArray in, boolean training, LayerWorkspaceMgr mgr) {
            int r = layerConf().getFactor();
            boolean nhwc = layerConf().getDataFormat() == CNN2DFormat.NHWC;
            INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, in.dataType(), shape(in, r, true, nhwc), 'c');
            shuffle(NativeOps.contiguous(in), out, r, nhwc);
            return out;
        }

        @Override
        protected INDArray backward(INDArray in, INDArray eps, LayerWorkspaceMgr mgr) {
            INDArray g = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, eps.dataType(), in.shape(), 'c');
            unshuffle(NativeOps.contiguous(eps), g, layerConf().getFactor(),
                    layerConf().getDataFormat() == CNN2DFormat.NHWC);
            return g;
        }
    }

    public static class Builder extends org.deeplearning4j.nn.conf.layers.Layer.Builder<Builder> {
        private final int factor;
        private CNN2DFormat dataFormat = CNN2DFormat.NCHW;

        public Builder(int factor) {
            if (factor < 1) {
                throw new IllegalArgumentException("PixelShuffle needs a factor of 1 or more, not " + factor + ".");
            }
            this.factor = factor;
        }

        /** NCHW (default) or NHWC; channels-last runs the convolutions around it faster on oneDNN. */
        public Builder dataFormat(CNN2DFormat format) {
            this.dataFormat = format;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public PixelShuffle build() {
            return new PixelShuffle(this);
        }
    }
}
