package org.taskscale.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Space to depth in PyTorch's {@code pixel_unshuffle} order: {@code [N, C, H r, W r] -> [N, C r^2, H, W]}. */
public class PixelUnshuffle extends ShapeLayer {
    protected int factor;
    protected CNN2DFormat dataFormat = CNN2DFormat.NCHW;

    public PixelUnshuffle() {}

    protected PixelUnshuffle(Builder b) {
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
        if (in.getHeight() % factor != 0 || in.getWidth() % factor != 0) {
            throw new IllegalStateException("PixelUnshuffle(" + factor + ") layer '" + getLayerName()
                    + "' needs height and width divisible by " + factor + ", got " + in.getHeight() + "x" + in.getWidth() + ".");
        }
        return (InputType.InputTypeConvolutional) InputType.convolutional(in.getHeight() / factor,
                in.getWidth() / factor, in.getChannels() * factor * factor, dataFormat);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PixelUnshuffle p && p.factor == factor && p.dataFormat == dataFormat && java.util.Objects.equals(p.layerName, layerName);
    }

    @Override
    public int hashCode() {
        return 37 * factor + 11;
    }

    @Override
    public PixelUnshuffle clone() {
        return (PixelUnshuffle) super.clone();
    }

    static final class Runtime extends ShapeLayerRuntime<PixelUnshuffle> {
        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        protected INDArray forward(INDArray in, boolean training, LayerWorkspaceMgr mgr) {
            int r = layerConf().getFactor();
            boolean nhwc = layerConf().getDataFormat() == CNN2DFormat.NHWC;
            INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, in.dataType(),
                    PixelShuffle.shape(in, r, false, nhwc), 'c');
            PixelShuffle.unshuffle(NativeOps.contiguous(in), out, r, nhwc);
            return out;
        }

        @Override
        protected INDArray backward(INDArray in, INDArray eps, LayerWorkspaceMgr mgr) {
            INDArray g = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, eps.dataType(), in.shape(), 'c');
            PixelShuffle.shuffle(NativeOps.contiguous(eps), g, layerConf().getFactor(),
                    layerConf().getDataFormat() == CNN2DFormat.NHWC);
            return g;
        }
    }

    public static class Builder extends org.deeplearning4j.nn.conf.layers.Layer.Builder<Builder> {
        private final int factor;
        private CNN2DFormat dataFormat = CNN2DFormat.NCHW;

        public Builder(int factor) {
            if (factor < 1) {
                throw new IllegalArgumentException("PixelUnshuffle needs a factor of 1 or more, not " + factor + ".");
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
        public PixelUnshuffle build() {
            return new PixelUnshuffle(this);
        }
    }
}
