package org.taskscale.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * 8-bit quantisation of an image tensor in [0, 1], as the learned low-resolution image is stored:
 * forward {@code round(clamp(x, 0, 1) * 255) / 255}; backward passes the gradient straight through
 * (Bengio et al.'s straight-through estimator, as TAD/TAR and CAR train their quantised LR image).
 * In inference it is the exact 8-bit image the decoder will see.
 */
public class Quantize8 extends ShapeLayer {
    public Quantize8() {}

    protected Quantize8(Builder b) {
        super(b);
    }

    @Override
    protected Layer createLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new Runtime(conf, dataType);
    }

    @Override
    protected InputType.InputTypeConvolutional outputType(InputType.InputTypeConvolutional in) {
        return in;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Quantize8 q && java.util.Objects.equals(q.layerName, layerName);
    }

    @Override
    public int hashCode() {
        return 8;
    }

    @Override
    public Quantize8 clone() {
        return (Quantize8) super.clone();
    }

    static final class Runtime extends ShapeLayerRuntime<Quantize8> {
        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        protected INDArray forward(INDArray in, boolean training, LayerWorkspaceMgr mgr) {
            INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, in.dataType(), in.shape(), 'c');
            out.assign(in);
            Transforms.min(out, 1.0, false);
            Transforms.max(out, 0.0, false);
            return Transforms.round(out.muli(255.0), false).divi(255.0);
        }

        @Override
        protected INDArray backward(INDArray in, INDArray eps, LayerWorkspaceMgr mgr) {
            return mgr.dup(ArrayType.ACTIVATION_GRAD, eps, 'c');
        }
    }

    public static class Builder extends org.deeplearning4j.nn.conf.layers.Layer.Builder<Builder> {
        @Override
        @SuppressWarnings("unchecked")
        public Quantize8 build() {
            return new Quantize8(this);
        }
    }
}
