package org.taskscale.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Runtime base of the parameter-free layers: subclasses give forward and input-gradient functions. */
public abstract class ShapeLayerRuntime<C extends ShapeLayer> extends AbstractLayer<C> {
    protected ShapeLayerRuntime(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** The output for {@link #input}, in the ACTIVATIONS workspace. */
    protected abstract INDArray forward(INDArray in, boolean training, LayerWorkspaceMgr mgr);

    /** dL/dinput for dL/doutput {@code eps}, in the ACTIVATION_GRAD workspace. */
    protected abstract INDArray backward(INDArray in, INDArray eps, LayerWorkspaceMgr mgr);

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, mgr);
        if (input.rank() != 4) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " " + layerId()
                    + " needs a rank-4 [N, C, H, W] input, got shape " + java.util.Arrays.toString(input.shape()) + ".");
        }
        return forward(input, training, mgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        INDArray eps = backward(input, epsilon, mgr);
        return new Pair<>(new DefaultGradient(), backpropDropOutIfPresent(eps));
    }

    @Override
    public Type type() {
        return Type.CONVOLUTIONAL;
    }

    @Override
    public double calcRegularizationScore(boolean backpropOnlyParams) {
        return 0;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void clearNoiseWeightParams() {
        // no parameters, no noise
    }

    @Override
    public Gradient gradient() {
        return new DefaultGradient();
    }

    @Override
    public long numParams() {
        return 0;
    }

    @Override
    public double score() {
        return 0;
    }

    @Override
    public void update(INDArray gradient, String paramType) {
        // no parameters
    }

    @Override
    public INDArray params() {
        return null;
    }

    @Override
    public INDArray getParam(String param) {
        return null;
    }

    @Override
    public void setParams(INDArray params) {
        // no parameters
    }

    @Override
    public Layer clone() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " is not cloned; clone the network.");
    }
}
