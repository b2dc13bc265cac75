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
 * Fixed MATLAB-bicubic resizing of an NCHW tensor by {@code scale} (output {@code ceil(scale * size)}), the
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
                outSize(in.getWidth()), in.getChannels());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BicubicResize r && r.scale == scale && java.util.Objects.equals(r.layerName, layerName);
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

        /** The [out, in] weights for an input length, or their transpose, cached outside any workspace. */
        private INDArray matrix(long inLength, DataType type, boolean transposed) {
            return matrices.computeIfAbsent(inLength + "/" + type + "/" + transposed, k -> {
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
            long oh = ah.size(0);
            long ow = aw.size(0);
            // along width: [N*C*H, W] x [W, oW]
            INDArray t = NativeOps.contiguous(x).reshape('c', n * c * h, w).mmul(aw.transpose());
            // along height: for each plane, [oH, H] x [H, oW]
            INDArray t3 = t.reshape('c', n * c, h, ow);
            INDArray o3 = out.reshape('c', n * c, oh, ow);
            for (long p = 0; p < n * c; p++) {
                ah.mmul(t3.tensorAlongDimension(p, 1, 2), o3.tensorAlongDimension(p, 1, 2));
            }
            return out;
        }

        @Override
        protected INDArray forward(INDArray in, boolean training, LayerWorkspaceMgr mgr) {
            INDArray ah = matrix(in.size(2), in.dataType(), false);
            INDArray aw = matrix(in.size(3), in.dataType(), false);
            INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, in.dataType(),
                    new long[] {in.size(0), in.size(1), ah.size(0), aw.size(0)}, 'c');
            return apply(in, ah, aw, out);
        }

        @Override
        protected INDArray backward(INDArray in, INDArray eps, LayerWorkspaceMgr mgr) {
            INDArray g = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, eps.dataType(), in.shape(), 'c');
            return apply(eps, matrix(in.size(2), eps.dataType(), true), matrix(in.size(3), eps.dataType(), true), g);
        }
    }

    public static class Builder extends org.deeplearning4j.nn.conf.layers.Layer.Builder<Builder> {
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
