package org.taskscale.layers;

import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code out = a + s b} for residual connections (EDSR blocks with residual scaling {@code s}, global skips):
 * one fused add in the forward
 * pass where DL4J's {@code ElementWiseVertex(Add)} copies then adds. DL4J requires the backward pass's gradients
 * in the vertex's own workspace, so the incoming gradient is copied there once. Both inputs get that one copy when
 * sharing it is safe (see {@link Runtime#sharesGradient()}); otherwise each input gets its own, because DL4J sums
 * an input's gradients from several consumers in place into the first one it received.
 */
public class ResidualAdd extends ElementWiseVertex {
    /** Multiplier of the second input (EDSR's residual scaling); 1 for a plain sum. */
    protected double scale = 1.0;

    public ResidualAdd() {
        super(Op.Add);
    }

    /** {@code out = a + scale * b}, where b is the second input (the residual branch). */
    public ResidualAdd(double scale) {
        super(Op.Add);
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("A residual scale must be a positive number, not " + scale + ".");
        }
        this.scale = scale;
    }

    public double getScale() { return scale; }

    public void setScale(double scale) { this.scale = scale; }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType dataType) {
        return new Runtime(graph, name, idx, dataType, scale);
    }

    @Override
    public ResidualAdd clone() {
        return scale == 1.0 ? new ResidualAdd() : new ResidualAdd(scale);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResidualAdd r && r.scale == scale;
    }

    @Override
    public int hashCode() {
        return ResidualAdd.class.hashCode() + Double.hashCode(scale);
    }

    @Override
    public int minVertexInputs() {
        return 2;
    }

    @Override
    public int maxVertexInputs() {
        return 2;
    }

    static final class Runtime extends org.deeplearning4j.nn.graph.vertex.impl.ElementWiseVertex {
        private final double scale;
        private boolean fused;
        /** Whether the backward pass may hand both inputs one gradient array; decided on first use. */
        private Boolean shares;

        Runtime(ComputationGraph graph, String name, int idx, DataType dataType, double scale) {
            super(graph, name, idx, Op.Add, dataType);
            this.scale = scale;
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr mgr) {
            fused = inputs.length == 2 && inputs[0].equalShapes(inputs[1])
                    && inputs[0].dataType() == dataType && inputs[1].dataType() == dataType;
            if (!fused) {
                if (scale != 1.0) {
                    throw new IllegalArgumentException("ResidualAdd '" + getVertexName() + "' with scale " + scale
                            + " needs two inputs of one shape and type, got " + java.util.Arrays.toString(inputs[0].shape())
                            + " and " + java.util.Arrays.toString(inputs[1].shape()) + ".");
                }
                return super.doForward(training, mgr);
            }
            INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, inputs[0].shape(), 'c');
            if (scale == 1.0) {
                Nd4j.exec(new AddOp(inputs[0], inputs[1], out));
            } else {
                out.assign(inputs[1]).muli(scale).addi(inputs[0]);
            }
            return out;
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr mgr) {
            if (!fused) {
                return super.doBackward(tbptt, mgr);
            }
            INDArray second = mgr.dup(ArrayType.ACTIVATION_GRAD, epsilon);
            if (sharesGradient()) {
                return new Pair<>(null, new INDArray[] {second, second});
            }
            return new Pair<>(null, new INDArray[] {mgr.dup(ArrayType.ACTIVATION_GRAD, epsilon),
                scale == 1.0 ? second : second.muli(scale)});
        }

        /**
         * True when both inputs can receive one gradient array (saving a copy per block, about 1% of an EDSR
         * iteration). DL4J writes into an input's gradient array only to add another consumer's gradient to it,
         * so one array is safe when no such write happens before both inputs have read it:
         * <ul>
         *   <li>the scale is 1 (the second input's gradient is not a scaled copy);</li>
         *   <li>the second input is one of our convolution layers with an identity or ReLU activation (they only
         *   read their incoming gradient) and feeds nothing but this vertex (nothing adds into its gradient);</li>
         *   <li>every other consumer of the first input runs its backward pass before this vertex's (it comes later
         *   in topological order) or after the second input's (it comes earlier than the second input), so any sum
         *   into the first input's gradient happens once the second input has used the array.</li>
         * </ul>
         */
        boolean sharesGradient() {
            if (shares == null) {
                shares = decideSharing();
            }
            return shares;
        }

        private boolean decideSharing() {
            if (scale != 1.0 || inputVertices == null || inputVertices.length != 2) {
                return false;
            }
            org.deeplearning4j.nn.graph.vertex.GraphVertex[] all = graph.getVertices();
            int a = inputVertices[0].getVertexIndex();
            int b = inputVertices[1].getVertexIndex();
            org.deeplearning4j.nn.graph.vertex.GraphVertex second = all[b];
            if (a == b || !second.hasLayer() || !(second.getLayer() instanceof NativeConvRuntime<?> conv)
                    || !conv.onlyReadsGradient() || second.getOutputVertices() == null
                    || second.getOutputVertices().length != 1) {
                return false;
            }
            int[] order = graph.topologicalSortOrder();
            int[] position = new int[all.length];
            for (int i = 0; i < order.length; i++) {
                position[order[i]] = i;
            }
            for (org.deeplearning4j.nn.graph.vertex.VertexIndices c : all[a].getOutputVertices()) {
                int p = position[c.getVertexIndex()];
                if (c.getVertexIndex() != vertexIndex && p > position[b] && p < position[vertexIndex]) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return "ResidualAdd(id=" + getVertexIndex() + ",name=\"" + getVertexName() + "\")";
        }
    }
}
