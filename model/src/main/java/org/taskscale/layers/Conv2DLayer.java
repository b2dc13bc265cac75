package org.taskscale.layers;

import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
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

/** The runtime of {@link Conv2D}: libnd4j {@code conv2d} forward, {@code conv2d_bp} backward. */
public class Conv2DLayer extends BaseLayer<Conv2D> {
    /** Pre-activation output of the last training forward pass, kept for activations other than ReLU. */
    private INDArray preActivation;
    /** Pre-activation of the last training forward pass of a ReLU layer (its backward pass overwrites it). */
    private INDArray reluInput;

    public Conv2DLayer(NeuralNetConfiguration conf, DataType dataType) {
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

    private boolean nhwc() {
        return layerConf().getCnn2dDataFormat() == CNN2DFormat.NHWC;
    }

    /** conv2d integer arguments: kH, kW, sH, sW, pH, pW, dH, dW, same, NCHW/NHWC, weight format. */
    private int[] opArgs() {
        Conv2D c = layerConf();
        int[] k = c.getKernelSize();
        int[] s = c.getStride();
        int[] d = c.getDilation();
        boolean same = c.getConvolutionMode() == ConvolutionMode.Same;
        int[] p = same ? new int[] {0, 0} : c.getPadding();
        return new int[] {k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], same ? 1 : 0, nhwc() ? 1 : 0,
            NativeOps.WEIGHT_FORMAT_OIHW};
    }

    private long[] outputShape(INDArray in) {
        Conv2D c = layerConf();
        int[] k = c.getKernelSize();
        int[] s = c.getStride();
        int[] d = c.getDilation();
        boolean hw = nhwc();
        long n = in.size(0);
        long h = in.size(hw ? 1 : 2);
        long w = in.size(hw ? 2 : 3);
        long oh;
        long ow;
        if (c.getConvolutionMode() == ConvolutionMode.Same) {
            oh = (h + s[0] - 1) / s[0];
            ow = (w + s[1] - 1) / s[1];
        } else {
            int[] p = c.getPadding();
            long ekh = (long) (k[0] - 1) * d[0] + 1;
            long ekw = (long) (k[1] - 1) * d[1] + 1;
            oh = (h + 2L * p[0] - ekh) / s[0] + 1;
            ow = (w + 2L * p[1] - ekw) / s[1] + 1;
        }
        long oc = c.getNOut();
        return hw ? new long[] {n, oh, ow, oc} : new long[] {n, oc, oh, ow};
    }

    private void checkInput() {
        if (input.rank() != 4) {
            throw new DL4JInvalidInputException("Conv2D layer " + layerId() + " needs a rank-4 input "
                    + (nhwc() ? "[N, H, W, C]" : "[N, C, H, W]") + ", got shape "
                    + java.util.Arrays.toString(input.shape()) + ".");
        }
        long c = input.size(nhwc() ? 3 : 1);
        if (c != layerConf().getNIn()) {
            throw new DL4JInvalidInputException("Conv2D layer " + layerId() + " expects " + layerConf().getNIn()
                    + " input channels, got " + c + " (input shape " + java.util.Arrays.toString(input.shape()) + ").");
        }
    }

    /** The convolution (bias included), before the activation. */
    private INDArray convolve(boolean training, LayerWorkspaceMgr mgr, ArrayType type) {
        checkInput();
        INDArray w = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, training, mgr);
        INDArray x = NativeOps.contiguous(input);
        INDArray z = mgr.createUninitialized(type, dataType, outputShape(x), 'c');
        INDArray[] ins = hasBias()
                ? new INDArray[] {x, w, getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, mgr).reshape(-1)}
                : new INDArray[] {x, w};
        NativeOps.exec("conv2d", ins, new INDArray[] {z}, opArgs());
        return z;
    }

    @Override
    protected INDArray preOutput(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, mgr);
        return convolve(training, mgr, ArrayType.ACTIVATIONS);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, mgr);
        IActivation act = layerConf().getActivationFn();
        INDArray z = convolve(training, mgr, ArrayType.ACTIVATIONS);
        preActivation = null;
        reluInput = null;
        if (act instanceof ActivationIdentity) {
            return z;
        }
        if (act instanceof ActivationReLU relu && isPlainRelu(relu)) {
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
            return act.getActivation(mgr.dup(ArrayType.ACTIVATIONS, z), training);
        }
        return act.getActivation(z, training);
    }

    private static boolean isPlainRelu(ActivationReLU relu) {
        // default ReLU: no threshold, no negative slope, no max: the sign of the output is the sign of z
        return relu.equals(new ActivationReLU());
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
            INDArray z = preActivation != null ? preActivation : convolve(true, mgr, ArrayType.BP_WORKING_MEM);
            delta = act.backprop(z, epsilon).getFirst();
        }
        preActivation = null;
        reluInput = null;
        delta = NativeOps.contiguous(delta);

        INDArray x = NativeOps.contiguous(input);
        INDArray w = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, mgr);
        INDArray gradW = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        Gradient g = new DefaultGradient();
        INDArray gradIn;
        if (layerConf().isFirstLayer() && weightGradientOnly(x, delta, gradW)) {
            // the network input needs no gradient: return zeros, computed for nothing
            gradIn = mgr.create(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
            if (hasBias()) {
                INDArray gradB = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
                delta.sum(gradB.reshape(-1), nhwc() ? new int[] {0, 1, 2} : new int[] {0, 2, 3});
                g.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, gradB);
            }
        } else {
            gradIn = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
            if (hasBias()) {
                INDArray b = getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, true, mgr).reshape(-1);
                INDArray gradB = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
                NativeOps.exec("conv2d_bp", new INDArray[] {x, w, b, delta},
                        new INDArray[] {gradIn, gradW, gradB.reshape(-1)}, opArgs());
                g.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, gradB);
            } else {
                NativeOps.exec("conv2d_bp", new INDArray[] {x, w, delta}, new INDArray[] {gradIn, gradW}, opArgs());
            }
        }
        g.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, gradW, 'c');
        weightNoiseParams.clear();
        return new Pair<>(g, backpropDropOutIfPresent(gradIn));
    }

    /**
     * The weight gradient alone, as a forward convolution with batch and channels swapped:
     * {@code dW[o, i] = sum_n x[n, i] (*) delta[n, o]}, i.e. conv2d of x^T ({@code [iC, N, H, W]}) with kernel
     * delta^T ({@code [oC, N, oH, oW]}) and the layer's padding, giving {@code [iC, oC, kH, kW]}. oneDNN runs it
     * as one forward pass, about 2.5x faster than conv2d_bp for a 1-channel 9x9 first layer. Only for stride
     * 1, dilation 1 and symmetric padding; returns false (nothing done) otherwise.
     */
    private boolean weightGradientOnly(INDArray x, INDArray delta, INDArray gradW) {
        Conv2D c = layerConf();
        int[] k = c.getKernelSize();
        int[] s = c.getStride();
        int[] d = c.getDilation();
        if (s[0] != 1 || s[1] != 1 || d[0] != 1 || d[1] != 1) {
            return false;
        }
        int[] p;
        if (c.getConvolutionMode() == ConvolutionMode.Same) {
            if (k[0] % 2 == 0 || k[1] % 2 == 0) {
                return false;  // 'same' with an even kernel pads asymmetrically
            }
            p = new int[] {(k[0] - 1) / 2, (k[1] - 1) / 2};
        } else {
            p = c.getPadding();
        }
        boolean hw = nhwc();
        long n = x.size(0);
        long ic = x.size(hw ? 3 : 1);
        long h = x.size(hw ? 1 : 2);
        long w = x.size(hw ? 2 : 3);
        long oc = delta.size(hw ? 3 : 1);
        long oh = delta.size(hw ? 1 : 2);
        long ow = delta.size(hw ? 2 : 3);
        // channels-major copies: x^T [iC, N, H, W] and delta^T [oC, N, oH, oW] (free reshapes for one channel)
        INDArray xt = ic == 1 ? x.reshape('c', 1, n, h, w)
                : (hw ? x.permute(3, 0, 1, 2) : x.permute(1, 0, 2, 3)).dup('c');
        INDArray dt = oc == 1 ? delta.reshape('c', 1, n, oh, ow)
                : (hw ? delta.permute(3, 0, 1, 2) : delta.permute(1, 0, 2, 3)).dup('c');
        INDArray out = ic == 1 ? gradW.reshape('c', 1, oc, k[0], k[1])
                : Nd4j.createUninitialized(gradW.dataType(), ic, oc, k[0], k[1]);
        NativeOps.exec("conv2d", new INDArray[] {xt, dt}, new INDArray[] {out},
                (int) oh, (int) ow, 1, 1, p[0], p[1], 1, 1, 0, 0, NativeOps.WEIGHT_FORMAT_OIHW);
        if (ic != 1) {
            gradW.assign(out.permute(1, 0, 2, 3));
        }
        return true;
    }

    @Override
    public Layer clone() {
        throw new UnsupportedOperationException("Conv2DLayer " + layerId() + " is not cloned; clone the network.");
    }
}
