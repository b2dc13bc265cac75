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
 * pass where DL4J's {@code ElementWiseVertex(Add)} copies then adds. The backward pass still gives each input
 * its own copy of the gradient: DL4J requires gradients in the vertex's own workspace, and a shared array
 * would be corrupted when one input accumulates gradient from another consumer in place.
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
            return new Pair<>(null, new INDArray[] {mgr.dup(ArrayType.ACTIVATION_GRAD, epsilon),
                scale == 1.0 ? second : second.muli(scale)});
        }

        @Override
        public String toString() {
            return "ResidualAdd(id=" + getVertexIndex() + ",name=\"" + getVertexName() + "\")";
        }
    }
}
