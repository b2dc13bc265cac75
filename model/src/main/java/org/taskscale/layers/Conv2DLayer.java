package org.taskscale.layers;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The runtime of {@link Conv2D}: libnd4j {@code conv2d} forward, {@code conv2d_bp} backward. */
public class Conv2DLayer extends NativeConvRuntime<Conv2D> {
    public Conv2DLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    protected String forwardOp() {
        return "conv2d";
    }

    @Override
    protected String backwardOp() {
        return "conv2d_bp";
    }

    /** conv2d integer arguments: kH, kW, sH, sW, pH, pW, dH, dW, same, NCHW/NHWC, weight format. */
    @Override
    protected int[] opArgs() {
        Conv2D c = layerConf();
        int[] k = c.getKernelSize();
        int[] s = c.getStride();
        int[] d = c.getDilation();
        boolean same = c.getConvolutionMode() == ConvolutionMode.Same;
        int[] p = same ? new int[] {0, 0} : c.getPadding();
        return new int[] {k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], same ? 1 : 0, nhwc() ? 1 : 0,
            NativeOps.WEIGHT_FORMAT_OIHW};
    }

    @Override
    protected long[] outputShape(INDArray in) {
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

    /** A first layer: the network input needs no gradient, so hand back zeros computed for nothing. */
    @Override
    protected INDArray backpropWithoutInputGradient(INDArray x, INDArray delta, Gradient g, LayerWorkspaceMgr mgr) {
        INDArray gradW = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        if (!layerConf().isFirstLayer() || !weightGradientOnly(x, delta, gradW)) {
            return null;
        }
        if (hasBias()) {
            INDArray gradB = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
            delta.sum(gradB.reshape(-1), nhwc() ? new int[] {0, 1, 2} : new int[] {0, 2, 3});
            g.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, gradB);
        }
        return mgr.create(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
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
}
