package org.taskscale.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.nd4j.linalg.api.buffer.DataType;

/** Runtime base of our layers with parameters on image tensors: convolutional, never pretrained. */
abstract class ParamRuntime<L extends org.deeplearning4j.nn.conf.layers.BaseLayer> extends BaseLayer<L> {
    ParamRuntime(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Type type() {
        return Type.CONVOLUTIONAL;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }
}
