package org.taskscale.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Transposed 2-D convolution on libnd4j's {@code deconv2d} / {@code deconv2d_bp}. Parameters and JSON are
 * those of DL4J's {@link Deconvolution2D} (weights {@code [iC, oC, kH, kW]}). In {@code Same} mode the output
 * is {@code stride x input}, computed with explicit padding {@code (k - s) / 2} so that oneDNN runs it
 * (libnd4j's oneDNN path refuses its own 'same' mode and falls back to a kernel about 4x slower); that
 * needs {@code k - s} even. In {@code Truncate} mode the output is {@code s (in - 1) + k - 2 p}.
 */
public class TransposedConv2D extends Deconvolution2D {
    public TransposedConv2D() {}

    protected TransposedConv2D(Builder b) {
        super(b);
    }

    /** Explicit padding per dimension for this configuration. */
    int[] explicitPadding() {
        if (getConvolutionMode() == ConvolutionMode.Same) {
            int[] k = getKernelSize();
            int[] s = getStride();
            return new int[] {(k[0] - s[0]) / 2, (k[1] - s[1]) / 2};
        }
        return getPadding();
    }

    long[] outputSize(long h, long w) {
        int[] k = getKernelSize();
        int[] s = getStride();
        int[] d = getDilation();
        int[] p = explicitPadding();
        return new long[] {s[0] * (h - 1) + (long) (k[0] - 1) * d[0] + 1 - 2L * p[0],
            s[1] * (w - 1) + (long) (k[1] - 1) * d[1] + 1 - 2L * p[1]};
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeConvolutional c)) {
            throw new IllegalStateException("TransposedConv2D layer '" + getLayerName() + "' needs a CNN input, got "
                    + inputType + ".");
        }
        long[] hw = outputSize(c.getHeight(), c.getWidth());
        return InputType.convolutional(hw[0], hw[1], getNOut(), getCnn2dDataFormat());
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        return LayerWiring.wire(new TransposedConv2DLayer(conf, dataType), conf, listeners, index, paramsView, initializeParams, initializer());
    }

    @Override
    public TransposedConv2D clone() {
        return (TransposedConv2D) super.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransposedConv2D && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 17 * super.hashCode();
    }

    /** DL4J's {@code Deconvolution2D.Builder}, building a {@link TransposedConv2D}. */
    public static class Builder extends Deconvolution2D.Builder {
        public Builder(int... kernelSize) {
            super(kernelSize);
        }

        @Override
        @SuppressWarnings("unchecked")
        public TransposedConv2D build() {
            if (convolutionMode == ConvolutionMode.Same) {
                for (int i = 0; i < 2; i++) {
                    if ((kernelSize[i] - stride[i]) % 2 != 0 || kernelSize[i] < stride[i]) {
                        throw new IllegalArgumentException("TransposedConv2D in Same mode needs kernel - stride even and"
                                + " non-negative (explicit padding (k - s) / 2), got kernel " + kernelSize[i]
                                + " and stride " + stride[i] + ".");
                    }
                }
            }
            return new TransposedConv2D(this);
        }
    }
}
