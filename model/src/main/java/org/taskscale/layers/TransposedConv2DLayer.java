package org.taskscale.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.params.DeconvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The runtime of {@link TransposedConv2D}: libnd4j {@code deconv2d} forward, {@code deconv2d_bp} backward. */
public class TransposedConv2DLayer extends BaseLayer<TransposedConv2D> {
    private INDArray preActivation;

    public TransposedConv2DLayer(NeuralNetConfiguration conf, DataType dataType) {
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

    @Override
    public boolean hasBias() {
        return layerConf().hasBias();
    }

    /** deconv2d integer arguments: kH, kW, sH, sW, pH, pW, dH, dW, same (never), data format, weight format. */
    private int[] opArgs() {
        TransposedConv2D c = layerConf();
        int[] k = c.getKernelSize();
        int[] s = c.getStride();
        int[] d = c.getDilation();
        int[] p = c.explicitPadding();
        return new int[] {k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], 0,
            TransposedConv2D.isNhwc(c) ? 1 : 0, NativeOps.WEIGHT_FORMAT_OIHW};
    }

    private INDArray deconvolve(boolean training, LayerWorkspaceMgr mgr, ArrayType type) {
        boolean hw = TransposedConv2D.isNhwc(layerConf());
        if (input.rank() != 4 || input.size(hw ? 3 : 1) != layerConf().getNIn()) {
            throw new IllegalArgumentException("TransposedConv2D layer " + layerId() + " expects a rank-4 input with "
                    + layerConf().getNIn() + " channels, got shape " + java.util.Arrays.toString(input.shape()) + ".");
        }
        INDArray x = NativeOps.contiguous(input);
        long[] ohw = layerConf().outputSize(x.size(hw ? 1 : 2), x.size(hw ? 2 : 3));
        long oc = layerConf().getNOut();
        long[] shape = hw ? new long[] {x.size(0), ohw[0], ohw[1], oc} : new long[] {x.size(0), oc, ohw[0], ohw[1]};
        INDArray z = mgr.createUninitialized(type, dataType, shape, 'c');
        INDArray w = getParamWithNoise(DeconvolutionParamInitializer.WEIGHT_KEY, training, mgr);
        INDArray[] ins = hasBias()
                ? new INDArray[] {x, w, getParamWithNoise(DeconvolutionParamInitializer.BIAS_KEY, training, mgr).reshape(-1)}
                : new INDArray[] {x, w};
        NativeOps.exec("deconv2d", ins, new INDArray[] {z}, opArgs());
        return z;
    }

    @Override
    protected INDArray preOutput(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, mgr);
        return deconvolve(training, mgr, ArrayType.ACTIVATIONS);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        INDArray z = preOutput(training, mgr);
        IActivation act = layerConf().getActivationFn();
        preActivation = null;
        if (act instanceof ActivationIdentity) {
            return z;
        }
        if (training) {
            preActivation = z;
            return act.getActivation(mgr.dup(ArrayType.ACTIVATIONS, z), true);
        }
        return act.getActivation(z, false);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        IActivation act = layerConf().getActivationFn();
        INDArray delta = epsilon;
        if (!(act instanceof ActivationIdentity)) {
            INDArray z = preActivation != null ? preActivation : deconvolve(true, mgr, ArrayType.BP_WORKING_MEM);
            delta = act.backprop(z, epsilon).getFirst();
        }
        preActivation = null;
        delta = NativeOps.contiguous(delta);
        INDArray x = NativeOps.contiguous(input);
        INDArray w = getParamWithNoise(DeconvolutionParamInitializer.WEIGHT_KEY, true, mgr);
        INDArray gradW = gradientViews.get(DeconvolutionParamInitializer.WEIGHT_KEY);
        INDArray gradIn = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        Gradient g = new DefaultGradient();
        if (hasBias()) {
            INDArray b = getParamWithNoise(DeconvolutionParamInitializer.BIAS_KEY, true, mgr).reshape(-1);
            INDArray gradB = gradientViews.get(DeconvolutionParamInitializer.BIAS_KEY);
            NativeOps.exec("deconv2d_bp", new INDArray[] {x, w, b, delta},
                    new INDArray[] {gradIn, gradW, gradB.reshape(-1)}, opArgs());
            g.setGradientFor(DeconvolutionParamInitializer.BIAS_KEY, gradB);
        } else {
            NativeOps.exec("deconv2d_bp", new INDArray[] {x, w, delta}, new INDArray[] {gradIn, gradW}, opArgs());
        }
        g.setGradientFor(DeconvolutionParamInitializer.WEIGHT_KEY, gradW, 'c');
        weightNoiseParams.clear();
        return new Pair<>(g, backpropDropOutIfPresent(gradIn));
    }

    @Override
    public Layer clone() {
        throw new UnsupportedOperationException("TransposedConv2DLayer " + layerId() + " is not cloned; clone the network.");
    }
}
