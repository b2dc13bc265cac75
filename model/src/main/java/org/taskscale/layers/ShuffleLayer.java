package org.taskscale.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Base of {@link PixelShuffle} and {@link PixelUnshuffle}: a factor, a layout, and the two data movements in
 * PyTorch's channel order (channel {@code c r^2 + i r + j} of the small tensor is pixel {@code (h r + i, w r + j)}
 * of channel {@code c} of the large one). Each layer's backward pass is the other's forward pass.
 */
public abstract class ShuffleLayer extends ShapeLayer {
    protected int factor;

    protected ShuffleLayer() {}

    protected ShuffleLayer(Builder<?> b) {
        super(b);
        this.factor = b.factor;
    }

    /** True for depth to space (shuffle), false for space to depth (unshuffle). */
    protected abstract boolean upsamples();

    public int getFactor() { return factor; }

    public void setFactor(int factor) { this.factor = factor; }

    @Override
    protected Layer createLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new Runtime(conf, dataType);
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && ((ShuffleLayer) o).factor == factor
                && ((ShuffleLayer) o).dataFormat == dataFormat
                && java.util.Objects.equals(((ShuffleLayer) o).layerName, layerName);
    }

    @Override
    public int hashCode() {
        return 31 * getClass().hashCode() + factor;
    }

    @Override
    public ShuffleLayer clone() {
        return (ShuffleLayer) super.clone();
    }

    /** {@code [N, C r^2, H, W] -> [N, C, H r, W r]} (NCHW) or {@code [N, H, W, C r^2] -> [N, H r, W r, C]} (NHWC). */
    static void shuffle(INDArray in, INDArray out, int r, boolean nhwc) {
        long n = in.size(0);
        if (nhwc) {
            // two moves with long contiguous runs instead of one rank-6 permutation (4.7 against 33 ms for EDSR's
            // 16x48x48x256 upsampler): each pixel's channels (c, i, j) to (i, j, c), then rows of (j, c) runs
            long h = in.size(1);
            long w = in.size(2);
            long c = out.size(3);
            long rr = (long) r * r;
            INDArray pixelMajor = Nd4j.createUninitialized(in.dataType(), in.shape());
            pixelMajor.reshape('c', n * h * w, rr, c).assign(in.reshape('c', n * h * w, c, rr).permute(0, 2, 1));
            out.reshape('c', n * h, r, w, r * c).assign(pixelMajor.reshape('c', n * h, w, r, r * c).permute(0, 2, 1, 3));
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
            long rr = (long) r * r;
            INDArray pixelMajor = Nd4j.createUninitialized(out.dataType(), out.shape());
            pixelMajor.reshape('c', n * h, w, r, r * c).assign(in.reshape('c', n * h, r, w, r * c).permute(0, 2, 1, 3));
            out.reshape('c', n * h * w, c, rr).assign(pixelMajor.reshape('c', n * h * w, rr, c).permute(0, 2, 1));
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

    /** Moves data one way forward, the other way backward. */
    static final class Runtime extends ShapeLayerRuntime<ShuffleLayer> {
        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        private void move(INDArray from, INDArray to, boolean up) {
            if (up) {
                shuffle(NativeOps.contiguous(from), to, layerConf().getFactor(), layerConf().nhwc());
            } else {
                unshuffle(NativeOps.contiguous(from), to, layerConf().getFactor(), layerConf().nhwc());
            }
        }

        @Override
        protected INDArray forward(INDArray in, boolean training, LayerWorkspaceMgr mgr) {
            boolean up = layerConf().upsamples();
            INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, in.dataType(),
                    shape(in, layerConf().getFactor(), up, layerConf().nhwc()), 'c');
            move(in, out, up);
            return out;
        }

        @Override
        protected INDArray backward(INDArray in, INDArray eps, LayerWorkspaceMgr mgr) {
            INDArray g = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, eps.dataType(), in.shape(), 'c');
            move(eps, g, !layerConf().upsamples());
            return g;
        }
    }

    /** Factor and layout, shared by both layers' builders. */
    public abstract static class Builder<T extends Builder<T>> extends ShapeLayer.FormatBuilder<T> {
        private final int factor;

        protected Builder(int factor, String layer) {
            if (factor < 1) {
                throw new IllegalArgumentException(layer + " needs a factor of 1 or more, not " + factor + ".");
            }
            this.factor = factor;
        }
    }
}
