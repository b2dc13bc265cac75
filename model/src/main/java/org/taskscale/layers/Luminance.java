package org.taskscale.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.INDArrayIndex;

/**
 * The fixed BT.601 luma of an RGB tensor in [0, 1], {@code Y = 0.299 R + 0.587 G + 0.114 B} (full range, no
 * offset: the "plain luminance" a grey image shows), 3 channels in, 1 out. Linear, so the backward pass hands each
 * colour channel its weight times the gradient. TAR's task-aware colorization adds it to the learned grey
 * embedding, as its bicubic skip does for rescaling.
 */
public class Luminance extends ShapeLayer {
    /** BT.601 luma weights of R, G, B. */
    public static final double[] WEIGHTS = {0.299, 0.587, 0.114};

    public Luminance() {}

    protected Luminance(Builder b) {
        super(b);
    }

    @Override
    protected Layer createLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new Runtime(conf, dataType);
    }

    @Override
    protected InputType.InputTypeConvolutional outputType(InputType.InputTypeConvolutional in) {
        if (in.getChannels() != 3) {
            throw new IllegalStateException("Luminance layer '" + getLayerName() + "' needs 3 (RGB) input channels, got "
                    + in.getChannels() + ".");
        }
        return (InputType.InputTypeConvolutional) InputType.convolutional(in.getHeight(), in.getWidth(), 1, dataFormat);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Luminance l && l.dataFormat == dataFormat && java.util.Objects.equals(l.layerName, layerName);
    }

    @Override
    public int hashCode() {
        return 601 + dataFormat.hashCode();
    }

    @Override
    public Luminance clone() {
        return (Luminance) super.clone();
    }

    static final class Runtime extends ShapeLayerRuntime<Luminance> {
        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        private INDArray channel(INDArray x, int c) {
            INDArrayIndex[] idx = {NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()};
            idx[layerConf().channelAxis()] = NDArrayIndex.interval(c, c + 1);
            return x.get(idx);
        }

        @Override
        protected INDArray forward(INDArray in, boolean training, LayerWorkspaceMgr mgr) {
            long[] shape = in.shape().clone();
            int axis = layerConf().channelAxis();
            if (shape[axis] != 3) {
                throw new IllegalArgumentException("Luminance " + layerId() + " needs 3 input channels, got shape "
                        + java.util.Arrays.toString(shape) + ".");
            }
            shape[axis] = 1;
            INDArray y = mgr.create(ArrayType.ACTIVATIONS, in.dataType(), shape, 'c');
            for (int c = 0; c < 3; c++) {
                y.addi(channel(in, c).mul(WEIGHTS[c]));
            }
            return y;
        }

        @Override
        protected INDArray backward(INDArray in, INDArray eps, LayerWorkspaceMgr mgr) {
            INDArray g = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, eps.dataType(), in.shape(), 'c');
            for (int c = 0; c < 3; c++) {
                channel(g, c).assign(eps.mul(WEIGHTS[c]));
            }
            return g;
        }
    }

    public static class Builder extends ShapeLayer.FormatBuilder<Builder> {
        @Override
        @SuppressWarnings("unchecked")
        public Luminance build() {
            return new Luminance(this);
        }
    }
}
