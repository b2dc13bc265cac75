package org.taskscale.layers;

import java.util.concurrent.ConcurrentHashMap;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.taskscale.image.Bicubic;

/**
 * Fixed MATLAB-bicubic resizing of an NCHW or NHWC tensor by {@code scale} (output {@code ceil(scale * size)}), the
 * same arithmetic as {@link Bicubic} (antialiased when shrinking, symmetric borders), as two matrix products:
 * {@code Y = A_h X A_w^T} per channel. Linear, so the backward pass is {@code A_h^T G A_w}. Used for the
 * bicubic skip connections of TAD/TAR/CAR-style networks and to make the LR guidance label inside a graph.
 */
public class BicubicResize extends ShapeLayer {
    protected double scale;

    public BicubicResize() {}

    protected BicubicResize(Builder b) {
        super(b);
        this.scale = b.scale;
    }

    public double getScale() { return scale; }

    public void setScale(double scale) { this.scale = scale; }

    long outSize(long in) {
        return (long) Math.ceil(scale * in);
    }

    @Override
    protected Layer createLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new Runtime(conf, dataType);
    }

    @Override
    protected InputType.InputTypeConvolutional outputType(InputType.InputTypeConvolutional in) {
        return (InputType.InputTypeConvolutional) InputType.convolutional(outSize(in.getHeight()),
                outSize(in.getWidth()), in.getChannels(), dataFormat);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BicubicResize r && r.scale == scale && r.dataFormat == dataFormat
                && java.util.Objects.equals(r.layerName, layerName);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(scale);
    }

    @Override
    public BicubicResize clone() {
        return (BicubicResize) super.clone();
    }

    static final class Runtime extends ShapeLayerRuntime<BicubicResize> {
        /** Dense [out, in] weight matrices by (input length, data type). */
        private final transient ConcurrentHashMap<String, INDArray> matrices = new ConcurrentHashMap<>();

        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        private static String key(long inLength, DataType type, boolean transposed) {
            return inLength + "/" + type + "/" + transposed;
        }

        /** The [out, in] weights for an input length, or their transpose, cached outside any workspace. */
        private INDArray matrix(long inLength, DataType type, boolean transposed) {
            return matrices.computeIfAbsent(key(inLength, type, transposed), k -> {
                try (var ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                    INDArray m = Nd4j.create(Bicubic.weightMatrix((int) inLength, layerConf().getScale())).castTo(type);
                    return transposed ? m.transpose().dup('c') : m;
                }
            });
        }

        /** {@code out = A_h x A_w^T} for each of the N*C planes of x (or the transposed maps for backprop). */
        private static INDArray apply(INDArray x, INDArray ah, INDArray aw, INDArray out) {
            long n = x.size(0);
            long c = x.size(1);
            long h = x.size(2);
            long w = x.size(3);
            long ow = aw.size(0);
            // along width: [N*C*H, W] x [W, oW]
            INDArray t = Nd4j.createUninitialized(x.dataType(), n * c * h, ow);
            NativeOps.matmul(NativeOps.contiguous(x).reshape('c', n * c * h, w), false, aw, true, t);
            heightPass(ah, t.reshape('c', n * c, h, ow), out.reshape('c', n * c, ah.size(0), ow));
            return out;
        }

        /**
         * {@code out[p] = A_h x t[p]} for each p of {@code t [P, H, L]} into {@code out [P, oH, L]}: one product
         * for all p between two copies that bring H to the front and back. A product per p into its slice of the
         * output ran a small GEMM and an assign each (a fifth of aetad-skip's training step), and tensorMmul was
         * 2x slower than the copies and product together.
         */
        private static void heightPass(INDArray ah, INDArray t, INDArray out) {
            long p = t.size(0);
            long h = t.size(1);
            long l = t.size(2);
            long oh = ah.size(0);
            if (p == 1) {
                NativeOps.matmul(ah, false, t.reshape('c', h, l), false, out.reshape('c', oh, l));
                return;
            }
            INDArray front = Nd4j.createUninitialized(t.dataType(), h, p, l);
            front.assign(t.permute(1, 0, 2));
            INDArray r = Nd4j.createUninitialized(t.dataType(), oh, p * l);
            NativeOps.matmul(ah, false, front.reshape('c', h, p * l), false, r);
            out.assign(r.reshape('c', oh, p, l).permute(1, 0, 2));
        }

        /**
         * {@code kron(A_w^T, I_c)}: the resize along the width of a {@code [rows, W*c]} matrix of NHWC rows as one
         * product, cached like the matrices it is made of.
         */
        private INDArray widthKron(INDArray aw, long c, String key) {
            return matrices.computeIfAbsent(key + "/kron" + c, k -> {
                try (var ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                    long ow = aw.size(0);
                    long w = aw.size(1);
                    INDArray m = Nd4j.zeros(aw.dataType(), w * c, ow * c);
                    for (long i = 0; i < w; i++) {
                        for (long o = 0; o < ow; o++) {
                            double v = aw.getDouble(o, i);
                            if (v != 0) {
                                for (long ch = 0; ch < c; ch++) {
                                    m.putScalar(new long[] {i * c + ch, o * c + ch}, v);
                                }
                            }
                        }
                    }
                    return m;
                }
            });
        }

        /**
         * NHWC without a layout change: along the width one product of the {@code [N*H, W*C]} rows with
         * {@link #widthKron}, then along the height one product for the minibatch. The plane path permutes the
         * tensor to planes and back. The Kronecker matrix does C times the multiply-adds of the plane products, so
         * wide inputs ({@code W*C} over {@value #KRON_MAX}) keep that path.
         */
        private INDArray resizeNhwc(INDArray x, INDArray ah, INDArray aw, String awKey, ArrayType type,
                                    LayerWorkspaceMgr mgr) {
            long n = x.size(0);
            long h = x.size(1);
            long w = x.size(2);
            long c = x.size(3);
            long oh = ah.size(0);
            long ow = aw.size(0);
            INDArray t = Nd4j.createUninitialized(x.dataType(), n * h, ow * c);
            NativeOps.matmul(NativeOps.contiguous(x).reshape('c', n * h, w * c), false, widthKron(aw, c, awKey), false, t);
            INDArray out = mgr.createUninitialized(type, x.dataType(), new long[] {n, oh, ow, c}, 'c');
            heightPass(ah, t.reshape('c', n, h, ow * c), out.reshape('c', n, oh, ow * c));
            return out;
        }

        /**
         * The widest {@code W*C} the NHWC path resizes with a Kronecker matrix ({@code W*C x oW*C} floats: at most
         * 16 MB, for x4 upscaling, cached per input width).
         */
        static final long KRON_MAX = 1024;

        /** Resizes {@code x} with the given matrices: NCHW plane by plane, as NHWC does through a copy when wide. */
        private INDArray resize(INDArray x, INDArray ah, INDArray aw, String awKey, ArrayType type,
                                LayerWorkspaceMgr mgr) {
            boolean hw = layerConf().nhwc();
            if (hw && x.size(2) * x.size(3) <= KRON_MAX) {
                return resizeNhwc(x, ah, aw, awKey, type, mgr);
            }
            INDArray planes = hw ? x.permute(0, 3, 1, 2).dup('c') : x;
            long n = planes.size(0);
            long c = planes.size(1);
            if (!hw) {
                return apply(planes, ah, aw, mgr.createUninitialized(type, x.dataType(),
                        new long[] {n, c, ah.size(0), aw.size(0)}, 'c'));
            }
            INDArray t = apply(planes, ah, aw, Nd4j.createUninitialized(x.dataType(), n, c, ah.size(0), aw.size(0)));
            INDArray out = mgr.createUninitialized(type, x.dataType(), new long[] {n, ah.size(0), aw.size(0), c}, 'c');
            return out.assign(t.permute(0, 2, 3, 1));
        }

        private long height(INDArray x) {
            return x.size(layerConf().nhwc() ? 1 : 2);
        }

        private long width(INDArray x) {
            return x.size(layerConf().nhwc() ? 2 : 3);
        }

        @Override
        protected INDArray forward(INDArray in, boolean training, LayerWorkspaceMgr mgr) {
            return resize(in, matrix(height(in), in.dataType(), false), matrix(width(in), in.dataType(), false),
                    key(width(in), in.dataType(), false), ArrayType.ACTIVATIONS, mgr);
        }

        @Override
        protected INDArray backward(INDArray in, INDArray eps, LayerWorkspaceMgr mgr) {
            return resize(eps, matrix(height(in), eps.dataType(), true), matrix(width(in), eps.dataType(), true),
                    key(width(in), eps.dataType(), true), ArrayType.ACTIVATION_GRAD, mgr);
        }
    }

    public static class Builder extends ShapeLayer.FormatBuilder<Builder> {
        private final double scale;

        /** {@code scale} below 1 shrinks (e.g. 0.5 for x2 downscaling), above 1 enlarges. */
        public Builder(double scale) {
            if (!(scale > 0) || Double.isInfinite(scale)) {
                throw new IllegalArgumentException("BicubicResize needs a positive scale, not " + scale + ".");
            }
            this.scale = scale;
        }

        @Override
        @SuppressWarnings("unchecked")
        public BicubicResize build() {
            return new BicubicResize(this);
        }
    }
}
