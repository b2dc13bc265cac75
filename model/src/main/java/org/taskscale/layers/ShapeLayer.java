package org.taskscale.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.layers.NoParamLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration base of our parameter-free layers on NCHW tensors (pixel shuffle, quantisation, fixed
 * resizing): instantiation, memory report and pre-processors in one place; subclasses give the runtime
 * layer and the output type.
 */
public abstract class ShapeLayer extends NoParamLayer {
    /** Tensor layout: NCHW or NHWC (channels-last runs the oneDNN convolutions around it faster). */
    protected CNN2DFormat dataFormat = CNN2DFormat.NCHW;

    protected ShapeLayer() {}

    protected ShapeLayer(org.deeplearning4j.nn.conf.layers.Layer.Builder<?> b) {
        super(b);
        if (b instanceof FormatBuilder<?> f) {
            this.dataFormat = f.dataFormat;
        }
    }

    public CNN2DFormat getDataFormat() { return dataFormat; }

    public void setDataFormat(CNN2DFormat dataFormat) { this.dataFormat = dataFormat; }

    boolean nhwc() {
        return dataFormat == CNN2DFormat.NHWC;
    }

    /** Channel axis of a rank-4 tensor in this layer's layout. */
    int channelAxis() {
        return nhwc() ? 3 : 1;
    }

    /** The runtime layer for this configuration. */
    protected abstract Layer createLayer(NeuralNetConfiguration conf, DataType dataType);

    /** The CNN output type for a CNN input type. */
    protected abstract InputType.InputTypeConvolutional outputType(InputType.InputTypeConvolutional in);

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        return LayerWiring.wire(createLayer(conf, dataType), conf, listeners, index, paramsView, initializeParams, initializer());
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeConvolutional c)) {
            throw new IllegalStateException(getClass().getSimpleName() + " layer '" + getLayerName()
                    + "' needs a convolutional (CNN) input, got " + inputType + ".");
        }
        return outputType(c);
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return InputTypeUtil.getPreProcessorForInputTypeCnnLayers(inputType, getLayerName());
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType out = getOutputType(-1, inputType);
        return new LayerMemoryReport.Builder(layerName, getClass(), inputType, out)
                .standardMemory(0, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    /** Builder base of the layers with a layout. */
    public abstract static class FormatBuilder<T extends FormatBuilder<T>> extends org.deeplearning4j.nn.conf.layers.Layer.Builder<T> {
        private CNN2DFormat dataFormat = CNN2DFormat.NCHW;

        /** NCHW (default) or NHWC. */
        @SuppressWarnings("unchecked")
        public T dataFormat(CNN2DFormat format) {
            this.dataFormat = format;
            return (T) this;
        }
    }
}
