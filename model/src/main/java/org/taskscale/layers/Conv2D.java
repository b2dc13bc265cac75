package org.taskscale.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * 2-D convolution whose forward and backward run libnd4j's {@code conv2d} / {@code conv2d_bp} ops (oneDNN on
 * the CPU, CUDA kernels on GPU) instead of DL4J's im2col path. Configuration, parameters (weights
 * {@code [oC, iC, kH, kW]}, bias {@code [oC]}), JSON form and output shapes are those of DL4J's
 * {@link ConvolutionLayer}, so it drops into MultiLayerNetwork, ComputationGraph and dl4j-spark and can be
 * compared with the built-in layer value for value.
 *
 * <p>Any kernel, stride and dilation; {@code ConvolutionMode.Same} or explicit padding
 * ({@code Truncate}/{@code Strict}); optional bias; any activation (applied after the op); NCHW or NHWC.
 * Set {@link Builder#firstLayer(boolean)} on a layer that sees the network input: its input gradient is
 * then not computed.
 */
public class Conv2D extends ConvolutionLayer {
    /** The input gradient is not needed (the layer reads the network's input). */
    protected boolean firstLayer;

    /** For JSON. */
    public Conv2D() {}

    protected Conv2D(Builder b) {
        super(b);
        this.firstLayer = b.firstLayer;
    }

    public boolean isFirstLayer() { return firstLayer; }

    public void setFirstLayer(boolean firstLayer) { this.firstLayer = firstLayer; }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        return LayerWiring.wire(new Conv2DLayer(conf, dataType), conf, listeners, index, paramsView, initializeParams, initializer());
    }

    @Override
    public Conv2D clone() {
        return (Conv2D) super.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Conv2D other && super.equals(o) && other.firstLayer == firstLayer;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + (firstLayer ? 1 : 0);
    }

    /** Same options as DL4J's {@code ConvolutionLayer.Builder}, plus {@link #firstLayer(boolean)}. */
    public static class Builder extends ConvolutionLayer.Builder {
        private boolean firstLayer;

        public Builder(int... kernelSize) {
            super(kernelSize);
        }

        public Builder() {
            super();
        }

        /** Skip the input gradient: for a layer fed by the network's input. */
        public Builder firstLayer(boolean first) {
            this.firstLayer = first;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Conv2D build() {
            ConvolutionUtils.validateConvolutionModePadding(convolutionMode, padding);
            ConvolutionUtils.validateCnnKernelStridePadding(kernelSize, stride, padding);
            return new Conv2D(this);
        }
    }
}
