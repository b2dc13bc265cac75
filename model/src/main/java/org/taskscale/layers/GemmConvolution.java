package org.taskscale.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Stride-1 'same' convolutions in channels-last layout as matrix products (libnd4j's matmul), for the shapes where
 * libnd4j's oneDNN convolution ops run far below the machine's speed. Measured on 2 cores for SRCNN's layers
 * (minibatch 16 of 33x33): {@code conv2d_bp} of the 64->32 1x1 layer 3.3 ms against 0.4 ms as two products, of
 * the 32->1 5x5 layer 2.0 ms against about 0.4 ms, and the 1->64 9x9 first layer's weight gradient 3.8 ms.
 * <ul>
 *   <li>{@link Kind#POINTWISE} (1x1): {@code Z = X W^T}, {@code dX = dZ W}, {@code dW = dZ^T X}.</li>
 *   <li>{@link Kind#OUTPUT_COLUMNS} (few output channels): the products {@code P = X Wt} of every input pixel
 *   with every tap ({@code Wt} = W as {@code [C, O kh kw]}) summed over the taps; backward from the output
 *   gradient's columns {@code B} (im2col with the kernel flipped): {@code dX = B Wt^T}, {@code dWt = X^T B}.</li>
 *   <li>{@link #weightGradient} (a first layer with few input channels, whose input gradient nobody needs):
 *   {@code dW = dZ^T A} with {@code A} the input's columns.</li>
 * </ul>
 * Rows of the matrices are the {@code n h w} pixels, so NHWC tensors are matrices as they lie. Weights keep DL4J's
 * {@code [O, C, kh, kw]} layout; columns are ordered (channel, tap row, tap column) to match it.
 */
final class GemmConvolution {
    /**
     * Which convolutions run as products: whole passes of 1x1 layers and of layers with few output channels, or
     * only a first layer's weight gradient (its forward pass stays on libnd4j's conv2d).
     */
    enum Kind { POINTWISE, OUTPUT_COLUMNS, WEIGHT_GRADIENT }

    /** Output channels up to which a k x k convolution runs on its output's columns. */
    static final int FEW_OUTPUT_CHANNELS = 4;
    /** Input columns (channels x taps) up to which a first layer's weight gradient comes from im2col. */
    static final int FEW_INPUT_COLUMNS = 100;
    /**
     * Column matrices up to this many elements (64 MB of floats); larger inputs (a whole photo at inference) run on
     * libnd4j's conv2d ops, which need no columns. Not final for tests only.
     */
    static long maxColumnElements = 1L << 24;

    private final Kind kind;
    private final int kh;
    private final int kw;
    private final int inChannels;
    private final int outChannels;
    /** A column of ones as long as the last minibatch has pixels (for bias gradients). */
    private INDArray ones;

    private GemmConvolution(Kind kind, int kh, int kw, int inChannels, int outChannels) {
        this.kind = kind;
        this.kh = kh;
        this.kw = kw;
        this.inChannels = inChannels;
        this.outChannels = outChannels;
    }

    /**
     * Only on the CPU backend: the column matrices are built in Java arrays, which on CUDA would copy every
     * activation between device and host (there libnd4j's own kernels run instead).
     */
    private static final boolean CPU_BACKEND = Backend.current() == Backend.CPU;

    /** Whether {@code c} is a stride-1, undilated, channels-last convolution whose output has its input's size. */
    static boolean sameSize(Conv2D c) {
        int[] k = c.getKernelSize();
        int[] s = c.getStride();
        int[] d = c.getDilation();
        boolean oddKernel = k[0] % 2 == 1 && k[1] % 2 == 1;
        boolean samePadding = c.getConvolutionMode() == ConvolutionMode.Same
                || c.getPadding()[0] == (k[0] - 1) / 2 && c.getPadding()[1] == (k[1] - 1) / 2;
        return CPU_BACKEND && c.getCnn2dDataFormat() == CNN2DFormat.NHWC && oddKernel && samePadding
                && s[0] == 1 && s[1] == 1 && d[0] == 1 && d[1] == 1;
    }

    /** The product form for {@code c}'s forward and backward passes, or null to use libnd4j's conv2d ops. */
    static GemmConvolution forLayer(Conv2D c) {
        if (!sameSize(c)) {
            return null;
        }
        int[] k = c.getKernelSize();
        int in = (int) c.getNIn();
        int out = (int) c.getNOut();
        if (k[0] == 1 && k[1] == 1) {
            return new GemmConvolution(Kind.POINTWISE, 1, 1, in, out);
        }
        if (out <= FEW_OUTPUT_CHANNELS) {
            return new GemmConvolution(Kind.OUTPUT_COLUMNS, k[0], k[1], in, out);
        }
        return null;
    }

    /** Whether a first layer {@code c}'s weight gradient comes from {@link #weightGradient}. */
    static boolean firstLayerWeightGradient(Conv2D c) {
        int[] k = c.getKernelSize();
        return sameSize(c) && c.getNIn() * k[0] * k[1] <= FEW_INPUT_COLUMNS;
    }

    Kind kind() {
        return kind;
    }

    /** Whether this form replaces the layer's forward and backward passes (not only a first layer's weight gradient). */
    boolean replacesPasses() {
        return kind != Kind.WEIGHT_GRADIENT;
    }

    /** Whether an NHWC input {@code x} is small enough for this layer's column matrix (1x1 layers have none). */
    boolean fits(INDArray x) {
        long taps = (long) kh * kw;
        long columns = kind == Kind.POINTWISE ? 0 : (kind == Kind.WEIGHT_GRADIENT ? inChannels : outChannels) * taps;
        return columns * x.size(0) * x.size(1) * x.size(2) <= maxColumnElements;
    }

    private ConvColumns.Grid grid(INDArray nhwc) {
        return new ConvColumns.Grid((int) nhwc.size(0), (int) nhwc.size(1), (int) nhwc.size(2), kh, kw);
    }

    private static INDArray rows(INDArray nhwc) {
        return nhwc.reshape('c', nhwc.size(0) * nhwc.size(1) * nhwc.size(2), nhwc.size(3));
    }

    /** {@code W [O, C, kh, kw]} as {@code Wt [C, O kh kw]}. */
    private INDArray tapMatrix(INDArray w) {
        return w.permute(1, 0, 2, 3).dup('c').reshape('c', inChannels, (long) outChannels * kh * kw);
    }

    /** {@code z = conv(x, w) + b} for NHWC x and z ({@code b} may be null). */
    void forward(INDArray x, INDArray w, INDArray b, INDArray z) {
        INDArray z2 = rows(z);
        if (kind == Kind.POINTWISE) {
            product(rows(x), false, w.reshape('c', outChannels, inChannels), true, z2);
        } else {
            // the products of every pixel with every tap, (X Wt)^T = [O kh kw, n h w], summed over the taps' shifts
            INDArray x2 = rows(x);
            INDArray products = product(tapMatrix(w), true, x2, true, (long) outChannels * kh * kw, x2.size(0));
            INDArray sums = ConvColumns.sumShiftedRows(products, grid(x));  // [O, n h w]
            z2.assign(outChannels == 1 ? sums.reshape('c', z2.shape()) : sums.transpose());
        }
        if (b != null) {
            z2.addiRowVector(b);
        }
    }

    /**
     * Gradients for NHWC {@code x} and dL/dz {@code delta}: into {@code gradIn} (skipped when null, and then {@code w}
     * may be null), {@code gradW} ({@code [O, C, kh, kw]}) and {@code gradB} (may be null).
     */
    void backward(INDArray x, INDArray w, INDArray delta, INDArray gradIn, INDArray gradW, INDArray gradB) {
        INDArray x2 = rows(x);
        INDArray d2 = rows(delta);
        if (kind == Kind.POINTWISE) {
            if (gradIn != null) {
                product(d2, false, w.reshape('c', outChannels, inChannels), false, rows(gradIn));
            }
            gradW.assign(product(d2, true, x2, false, outChannels, inChannels).reshape('c', gradW.shape()));
        } else {
            // the output gradient's columns, transposed: [O kh kw, n h w]
            INDArray cols = ConvColumns.shiftedRows(d2.transpose(), grid(x), -1);
            if (gradIn != null) {
                product(cols, true, tapMatrix(w), true, rows(gradIn));
            }
            INDArray dw = product(cols, false, x2, false, cols.size(0), inChannels);  // [O kh kw, C]
            gradW.assign(dw.reshape('c', outChannels, kh, kw, inChannels).permute(0, 3, 1, 2));
        }
        if (gradB != null) {
            biasGradient(d2, gradB);
        }
    }

    /**
     * A first layer's weight gradient (and bias gradient, if {@code gradB} is not null), no input gradient: from the
     * input's columns, or the product form's own backward pass.
     */
    void weightGradient(INDArray x, INDArray delta, INDArray gradW, INDArray gradB) {
        if (kind != Kind.WEIGHT_GRADIENT) {
            backward(x, null, delta, null, gradW, gradB);
            return;
        }
        INDArray cols = ConvColumns.shiftedRows(rows(x).transpose(), grid(x), 1);  // [C kh kw, n h w]
        INDArray d2 = rows(delta);
        INDArray dw = product(cols, false, d2, false, cols.size(0), outChannels);  // [C kh kw, O]
        gradW.assign(dw.reshape('c', inChannels, kh, kw, outChannels).permute(3, 0, 1, 2));
        if (gradB != null) {
            biasGradient(d2, gradB);
        }
    }

    /**
     * {@code out = op(a) op(b)} with libnd4j's {@code matmul} (oneDNN on the CPU): its threads are the convolutions'
     * OpenMP threads, where ND4J's {@code gemm} runs OpenBLAS's own pool, and on two cores the two pools' waiting
     * threads took the CPU from each other (3x as many involuntary context switches, a tail of 100 ms iterations).
     */
    private static void product(INDArray a, boolean ta, INDArray b, boolean tb, INDArray out) {
        NativeOps.matmul(a, ta, b, tb, out);
    }

    /** {@link #product} into a new {@code [rows, cols]} array. */
    private static INDArray product(INDArray a, boolean ta, INDArray b, boolean tb, long rows, long cols) {
        INDArray out = Nd4j.createUninitialized(a.dataType(), rows, cols);
        product(a, ta, b, tb, out);
        return out;
    }

    /**
     * {@code gradB = sum} of dL/dz's rows, as the product {@code 1^T dZ}: libnd4j's column reduction of an
     * {@code [n h w, O]} matrix is 15x slower (0.66 against 0.045 ms for SRCNN's first layer).
     */
    private void biasGradient(INDArray d2, INDArray gradB) {
        long m = d2.size(0);
        if (ones == null || ones.size(0) != m || ones.dataType() != d2.dataType()) {
            try (org.nd4j.linalg.api.memory.MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                ones = Nd4j.ones(d2.dataType(), m, 1);
            }
        }
        product(ones, true, d2, false, gradB.reshape('c', 1, outChannels));
    }

    /** The form for a first layer {@code c} that has no product form: its weight gradient from the input's columns. */
    static GemmConvolution weightGradientOnly(Conv2D c) {
        int[] k = c.getKernelSize();
        return new GemmConvolution(Kind.WEIGHT_GRADIENT, k[0], k[1], (int) c.getNIn(), (int) c.getNOut());
    }
}
