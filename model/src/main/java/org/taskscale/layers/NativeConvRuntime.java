package org.taskscale.layers;

import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMax;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.LeakyReLUDerivative;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runtime shared by the layers whose forward and backward are one libnd4j op pair ({@code conv2d}/
 * {@code conv2d_bp}, {@code deconv2d}/{@code deconv2d_bp}): input checks, bias handling, gradient views,
 * and the activation with a fast ReLU path. Parameter keys are DL4J's convolution keys ("W", "b"), which
 * DL4J's deconvolution initializer shares.
 */
abstract class NativeConvRuntime<C extends ConvolutionLayer> extends ParamRuntime<C> {
    private static final ActivationReLU PLAIN_RELU = new ActivationReLU();

    /** Pre-activation output of the last training forward pass, kept for activations other than ReLU. */
    private INDArray preActivation;
    /** Pre-activation of the last training forward pass of a ReLU layer (its backward pass overwrites it). */
    private INDArray reluInput;

    NativeConvRuntime(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** libnd4j's forward op name. */
    protected abstract String forwardOp();

    /** libnd4j's backward op name (inputs x, W, [b,] dL/dz; outputs dL/dx, dL/dW, [dL/db]). */
    protected abstract String backwardOp();

    /** The integer arguments both ops take. */
    protected abstract int[] opArgs();

    /** The output shape for a (contiguous) input. */
    protected abstract long[] outputShape(INDArray x);

    /**
     * Hook for a layer that can skip the input gradient: computes dL/dW (and dL/db into {@code g}) and returns
     * the input gradient to hand back, or null to run the backward op as usual.
     */
    protected INDArray backpropWithoutInputGradient(INDArray x, INDArray delta, Gradient g, LayerWorkspaceMgr mgr) {
        return null;
    }

    protected final boolean nhwc() {
        return layerConf().getCnn2dDataFormat() == CNN2DFormat.NHWC;
    }

    @Override
    public boolean hasBias() {
        return layerConf().hasBias();
    }

    private void checkInput() {
        String name = layerConf().getClass().getSimpleName();
        if (input.rank() != 4) {
            throw new DL4JInvalidInputException(name + " layer " + layerId() + " needs a rank-4 input "
                    + (nhwc() ? "[N, H, W, C]" : "[N, C, H, W]") + ", got shape "
                    + java.util.Arrays.toString(input.shape()) + ".");
        }
        long c = input.size(nhwc() ? 3 : 1);
        if (c != layerConf().getNIn()) {
            throw new DL4JInvalidInputException(name + " layer " + layerId() + " expects " + layerConf().getNIn()
                    + " input channels, got " + c + " (input shape " + java.util.Arrays.toString(input.shape()) + ").");
        }
    }

    /** The op's output (bias included), before the activation. */
    private INDArray linear(boolean training, LayerWorkspaceMgr mgr, ArrayType type) {
        checkInput();
        INDArray w = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, training, mgr);
        INDArray x = NativeOps.contiguous(input);
        INDArray z = mgr.createUninitialized(type, dataType, outputShape(x), 'c');
        INDArray b = hasBias() ? getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, mgr).reshape(-1) : null;
        runForward(x, w, b, z);
        return z;
    }

    /** {@code z = op(x, w) + b} ({@code b} may be null). */
    protected void runForward(INDArray x, INDArray w, INDArray b, INDArray z) {
        INDArray[] ins = b != null ? new INDArray[] {x, w, b} : new INDArray[] {x, w};
        NativeOps.exec(forwardOp(), ins, new INDArray[] {z}, opArgs());
    }

    /** Gradients of x, w and b (b and gradB may be null) for dL/dz {@code delta}. */
    protected void runBackward(INDArray x, INDArray w, INDArray b, INDArray delta, INDArray gradIn, INDArray gradW,
                               INDArray gradB) {
        if (b != null) {
            NativeOps.exec(backwardOp(), new INDArray[] {x, w, b, delta}, new INDArray[] {gradIn, gradW, gradB}, opArgs());
        } else {
            NativeOps.exec(backwardOp(), new INDArray[] {x, w, delta}, new INDArray[] {gradIn, gradW}, opArgs());
        }
    }

    @Override
    protected INDArray preOutput(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, mgr);
        return linear(training, mgr, ArrayType.ACTIVATIONS);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        INDArray z = preOutput(training, mgr);
        IActivation act = layerConf().getActivationFn();
        preActivation = null;
        reluInput = null;
        if (act instanceof ActivationIdentity) {
            return z;
        }
        if (PLAIN_RELU.equals(act)) {
            // default ReLU (no threshold, slope or cap)
            if (!training) {
                return act.getActivation(z, false);
            }
            // keep z for a fast backward pass; out = max(z, 0) in one SIMD pass
            INDArray a = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, z.shape(), 'c');
            Nd4j.exec(new ScalarMax(z, null, a, 0.0));
            reluInput = z;
            return a;
        }
        if (training) {
            preActivation = z;
            return act.getActivation(mgr.dup(ArrayType.ACTIVATIONS, z), true);
        }
        return act.getActivation(z, false);
    }

    /**
     * True when the backward pass only reads its incoming gradient: identity and plain ReLU write their
     * derivative elsewhere; other activations are DL4J's, whose backward passes are not ours to promise.
     */
    boolean onlyReadsGradient() {
        IActivation act = layerConf().getActivationFn();
        return act instanceof ActivationIdentity || PLAIN_RELU.equals(act);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        IActivation act = layerConf().getActivationFn();
        INDArray delta;
        if (act instanceof ActivationIdentity) {
            delta = epsilon;
        } else if (reluInput != null) {
            // ReLU: eps * (z > 0), written into z. Two SIMD passes: DL4J's ActivationReLU.backprop goes through a
            // per-element lambda and is 8x slower (9.7 vs 1.2 ms on a 16x48x48x64 tensor)
            Nd4j.exec(new LeakyReLUDerivative(reluInput, reluInput, 0.0));
            delta = reluInput.muli(epsilon);
        } else {
            INDArray z = preActivation != null ? preActivation : linear(true, mgr, ArrayType.BP_WORKING_MEM);
            delta = act.backprop(z, epsilon).getFirst();
        }
        preActivation = null;
        reluInput = null;
        delta = NativeOps.contiguous(delta);

        INDArray x = NativeOps.contiguous(input);
        Gradient g = new DefaultGradient();
        INDArray gradW = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray gradIn = backpropWithoutInputGradient(x, delta, g, mgr);
        if (gradIn == null) {
            INDArray w = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, mgr);
            gradIn = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
            if (hasBias()) {
                INDArray b = getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, true, mgr).reshape(-1);
                INDArray gradB = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
                runBackward(x, w, b, delta, gradIn, gradW, gradB.reshape(-1));
                g.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, gradB);
            } else {
                runBackward(x, w, null, delta, gradIn, gradW, null);
            }
        }
        g.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, gradW, 'c');
        weightNoiseParams.clear();
        return new Pair<>(g, backpropDropOutIfPresent(gradIn));
    }

    @Override
    public Layer clone() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " " + layerId()
                + " is not cloned; clone the network.");
    }
}
