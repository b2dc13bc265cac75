package org.taskscale.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Calls into libnd4j's declarable ops (oneDNN on the CPU build, CUDA kernels on the CUDA backend), the
 * only path in DL4J M2.1 that reaches the fast convolution kernels. Backend-neutral: the op names are the
 * same on every backend.
 */
final class NativeOps {
    private NativeOps() {}

    /** Weight layout [oC, iC, kH, kW] for conv2d (DL4J's), and [iC, oC, kH, kW] for deconv2d (Deconvolution2D's). */
    static final int WEIGHT_FORMAT_OIHW = 1;

    static void exec(String op, INDArray[] inputs, INDArray[] outputs, int... iArgs) {
        DynamicCustomOp.DynamicCustomOpsBuilder b = DynamicCustomOp.builder(op)
                .addInputs(inputs).addOutputs(outputs);
        if (iArgs.length > 0) {
            b.addIntegerArguments(iArgs);
        }
        Nd4j.exec(b.build());
    }

    /**
     * {@code out = op(a) x op(b)} (op: transpose when its flag is set) by libnd4j's {@code matmul} into a given
     * c-order array. ND4J's {@code mmul} and {@code tensorMmul} were 4-7x slower for the same product in a
     * workspace (they make an f-order result and copy it, or permute their operands).
     */
    static void matmul(INDArray a, boolean ta, INDArray b, boolean tb, INDArray out) {
        exec("matmul", new INDArray[] {a, b}, new INDArray[] {out}, ta ? 1 : 0, tb ? 1 : 0, 0);
    }

    /** A c-order contiguous version of {@code a} (the array itself when it already is). */
    static INDArray contiguous(INDArray a) {
        return a.ordering() == 'c' && a.elementWiseStride() == 1 ? a : a.dup('c');
    }
}
