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
 * {@code out = a + b} for residual connections (EDSR blocks, global skips): one fused add in the forward
 * pass where DL4J's {@code ElementWiseVertex(Add)} copies then adds. The backward pass still gives each input
 * its own copy of the gradient: DL4J requires gradients in the vertex's own workspace, and a shared array
 * would be corrupted when one input accumulates gradient from another consumer in place.
 */
public class ResidualAdd extends ElementWiseVertex {
    public ResidualAdd() {
        super(Op.Add);
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType dataType) {
        return new Runtime(graph, name, idx, dataType);
    }

    @Override
    public ResidualAdd clone() {
        return new ResidualAdd();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResidualAdd;
    }

    @Override
    public int hashCode() {
        return ResidualAdd.class.hashCode();
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
        private boolean fused;

        Runtime(ComputationGraph graph, String name, int idx, DataType dataType) {
            super(graph, name, idx, Op.Add, dataType);
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr mgr) {
            fused = inputs.length == 2 && inputs[0].equalShapes(inputs[1])
                    && inputs[0].dataType() == dataType && inputs[1].dataType() == dataType;
            if (!fused) {
                return super.doForward(training, mgr);
            }
            INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, inputs[0].shape(), 'c');
            Nd4j.exec(new AddOp(inputs[0], inputs[1], out));
            return out;
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr mgr) {
            if (!fused) {
                return super.doBackward(tbptt, mgr);
            }
            return new Pair<>(null, new INDArray[] {mgr.dup(ArrayType.ACTIVATION_GRAD, epsilon),
                mgr.dup(ArrayType.ACTIVATION_GRAD, epsilon)});
        }

        @Override
        public String toString() {
            return "ResidualAdd(id=" + getVertexIndex() + ",name=\"" + getVertexName() + "\")";
        }
    }
}
