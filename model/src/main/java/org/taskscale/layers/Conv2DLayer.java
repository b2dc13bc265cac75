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
    /** The matrix-product form of this layer, when it has one (see {@link GemmConvolution}); built on first use. */
    private GemmConvolution gemm;
    private boolean gemmChosen;

    public Conv2DLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private GemmConvolution gemm() {
        if (!gemmChosen) {
            gemm = GemmConvolution.forLayer(layerConf());
            if (gemm == null && layerConf().isFirstLayer() && GemmConvolution.firstLayerWeightGradient(layerConf())) {
                gemm = GemmConvolution.weightGradientOnly(layerConf());
            }
            gemmChosen = true;
        }
        return gemm;
    }

    /** The product form for whole forward and backward passes, or null. */
    private GemmConvolution products() {
        GemmConvolution g = gemm();
        return g != null && g.replacesPasses() ? g : null;
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
        if (polyphase() > 1) {
            // the undilated convolution each phase runs: padding (k - 1) / 2, dilation 1
            int[] k = layerConf().getKernelSize();
            return new int[] {k[0], k[1], 1, 1, (k[0] - 1) / 2, (k[1] - 1) / 2, 1, 1, 0, nhwc() ? 1 : 0,
                NativeOps.WEIGHT_FORMAT_OIHW};
        }
        Conv2D c = layerConf();
        int[] k = c.getKernelSize();
        int[] s = c.getStride();
        int[] d = c.getDilation();
        boolean same = c.getConvolutionMode() == ConvolutionMode.Same;
        int[] p = same ? new int[] {0, 0} : c.getPadding();
        long ekh = (long) (k[0] - 1) * d[0] + 1;
        long ekw = (long) (k[1] - 1) * d[1] + 1;
        if (same && s[0] == 1 && s[1] == 1 && ekh % 2 == 1 && ekw % 2 == 1) {
            // the same output as 'same' mode, as explicit symmetric padding: libnd4j's oneDNN path refuses
            // dilated convolutions in 'same' mode ("could not create a descriptor")
            p = new int[] {(int) (ekh - 1) / 2, (int) (ekw - 1) / 2};
            same = false;
        }
        return new int[] {k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], same ? 1 : 0, nhwc() ? 1 : 0,
            NativeOps.WEIGHT_FORMAT_OIHW};
    }

    /**
     * The dilation d when this layer runs as d x d undilated convolutions on the polyphase components of its input
     * (stride 1, equal dilation d > 1, odd kernel, 'same' padding), else 1. libnd4j's oneDNN path rejects every
     * dilated convolution ("could not create a descriptor"); the polyphase form is exact and as fast as the plain
     * convolution: with x_ab[u, v] = x[d u + a, d v + b], a 'same' dilated convolution of x is, phase by phase, a
     * 'same' undilated convolution of x_ab.
     */
    int polyphase() {
        Conv2D c = layerConf();
        int[] k = c.getKernelSize();
        int[] s = c.getStride();
        int[] d = c.getDilation();
        boolean ok = d[0] > 1 && d[0] == d[1] && s[0] == 1 && s[1] == 1 && k[0] % 2 == 1 && k[1] % 2 == 1
                && c.getConvolutionMode() == ConvolutionMode.Same;
        return ok ? d[0] : 1;
    }

    /**
     * {@code [N, H, W, C]} (or NCHW), H and W multiples of d, to the phases {@code [d d N, H/d, W/d, C]}. NHWC
     * moves in two rank-3 copies with long contiguous runs, phases ordered (column phase, row phase): ND4J's one
     * rank-6 permuted copy was 8 % of colorize-large's inference.
     */
    private INDArray toPhases(INDArray x, int d) {
        boolean hw = nhwc();
        long n = x.size(0);
        long c = x.size(hw ? 3 : 1);
        long hs = x.size(hw ? 1 : 2) / d;
        long ws = x.size(hw ? 2 : 3) / d;
        if (hw) {
            // x[n, u, a, v, b, c] -> t[a, n, u, v, b, c] -> p[b, a, n, u, v, c]
            INDArray t = Nd4j.createUninitialized(x.dataType(), d, n * hs, ws * d * c);
            t.assign(NativeOps.contiguous(x).reshape('c', n * hs, d, ws * d * c).permute(1, 0, 2));
            INDArray p = Nd4j.createUninitialized(x.dataType(), d, d * n * hs * ws, c);
            p.assign(t.reshape('c', d * n * hs * ws, d, c).permute(1, 0, 2));
            return p.reshape('c', d * d * n, hs, ws, c);
        }
        INDArray p = x.reshape('c', n, c, hs, d, ws, d).permute(3, 5, 0, 1, 2, 4);
        return p.dup('c').reshape('c', d * d * n, c, hs, ws);
    }

    /** The inverse of {@link #toPhases}, written into {@code out} ({@code [N, H, W, C]} or NCHW). */
    private void fromPhases(INDArray phases, int d, INDArray out) {
        boolean hw = nhwc();
        long n = out.size(0);
        long c = out.size(hw ? 3 : 1);
        long hs = out.size(hw ? 1 : 2) / d;
        long ws = out.size(hw ? 2 : 3) / d;
        if (hw) {
            // p[b, a, n, u, v, c] -> t[a, n, u, v, b, c] -> out[n, u, a, v, b, c]
            INDArray t = Nd4j.createUninitialized(out.dataType(), d * n * hs * ws, d, c);
            t.assign(NativeOps.contiguous(phases).reshape('c', d, d * n * hs * ws, c).permute(1, 0, 2));
            out.reshape('c', n * hs, d, ws * d * c).assign(t.reshape('c', d, n * hs, ws * d * c).permute(1, 0, 2));
        } else {
            out.reshape('c', n, c, hs, d, ws, d).assign(phases.reshape('c', d, d, n, c, hs, ws).permute(2, 3, 4, 0, 5, 1));
        }
    }

    /** {@code x} zero-padded at the bottom and right to sides that are multiples of d (x itself if they are). */
    private INDArray padToMultiple(INDArray x, int d) {
        boolean hw = nhwc();
        long h = x.size(hw ? 1 : 2);
        long w = x.size(hw ? 2 : 3);
        long ph = (d - h % d) % d;
        long pw = (d - w % d) % d;
        if (ph == 0 && pw == 0) {
            return x;
        }
        long[] shape = x.shape().clone();
        shape[hw ? 1 : 2] = h + ph;
        shape[hw ? 2 : 3] = w + pw;
        INDArray padded = Nd4j.create(x.dataType(), shape);
        region(padded, h, w).assign(x);
        return padded;
    }

    /** The top-left {@code h x w} region of a rank-4 array in this layer's layout. */
    private INDArray region(INDArray a, long h, long w) {
        org.nd4j.linalg.indexing.INDArrayIndex all = org.nd4j.linalg.indexing.NDArrayIndex.all();
        org.nd4j.linalg.indexing.INDArrayIndex rh = org.nd4j.linalg.indexing.NDArrayIndex.interval(0, h);
        org.nd4j.linalg.indexing.INDArrayIndex rw = org.nd4j.linalg.indexing.NDArrayIndex.interval(0, w);
        return nhwc() ? a.get(all, rh, rw, all) : a.get(all, all, rh, rw);
    }

    @Override
    protected void runForward(INDArray x, INDArray w, INDArray b, INDArray z) {
        if (products() != null && products().fits(x)) {
            products().forward(x, w, b, z);
            return;
        }
        int d = polyphase();
        if (d == 1) {
            super.runForward(x, w, b, z);
            return;
        }
        INDArray xp = padToMultiple(x, d);
        INDArray phases = toPhases(xp, d);
        INDArray zPhases = Nd4j.createUninitialized(z.dataType(), outputShape(phases));
        super.runForward(phases, w, b, zPhases);
        boolean hw = nhwc();
        if (xp == x) {
            fromPhases(zPhases, d, z);
        } else {
            long[] shape = z.shape().clone();
            shape[hw ? 1 : 2] = xp.size(hw ? 1 : 2);
            shape[hw ? 2 : 3] = xp.size(hw ? 2 : 3);
            INDArray full = Nd4j.createUninitialized(z.dataType(), shape);
            fromPhases(zPhases, d, full);
            z.assign(region(full, z.size(hw ? 1 : 2), z.size(hw ? 2 : 3)));
        }
    }

    @Override
    protected void runBackward(INDArray x, INDArray w, INDArray b, INDArray delta, INDArray gradIn, INDArray gradW,
                               INDArray gradB) {
        if (products() != null && products().fits(x)) {
            products().backward(x, w, delta, gradIn, gradW, gradB);
            return;
        }
        int d = polyphase();
        if (d == 1) {
            super.runBackward(x, w, b, delta, gradIn, gradW, gradB);
            return;
        }
        INDArray xp = padToMultiple(x, d);
        INDArray dp = padToMultiple(delta, d);
        INDArray xPhases = toPhases(xp, d);
        INDArray gPhases = Nd4j.createUninitialized(x.dataType(), xPhases.shape());
        super.runBackward(xPhases, w, b, toPhases(dp, d), gPhases, gradW, gradB);
        if (xp == x) {
            fromPhases(gPhases, d, gradIn);
        } else {
            INDArray full = Nd4j.createUninitialized(x.dataType(), xp.shape());
            fromPhases(gPhases, d, full);
            boolean hw = nhwc();
            gradIn.assign(region(full, x.size(hw ? 1 : 2), x.size(hw ? 2 : 3)));
        }
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
        if (!layerConf().isFirstLayer()) {
            return null;
        }
        GemmConvolution gc = gemm();
        if (gc != null && gc.fits(x)) {
            INDArray gradB = hasBias() ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : null;
            INDArray gradB1 = gradB == null ? null : gradB.reshape(-1);
            gc.weightGradient(x, delta, gradW, gradB1);
            if (gradB != null) {
                g.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, gradB);
            }
            return mgr.create(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        }
        if (!weightGradientOnly(x, delta, gradW)) {
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
