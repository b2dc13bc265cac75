package org.taskscale.models;

import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * PyTorch's default initialisation of convolution weights, {@code kaiming_uniform_(a = sqrt(5))}, i.e. uniform in
 * {@code [-1/sqrt(fanIn), 1/sqrt(fanIn)]}: the seed models were trained from it, and deep residual stacks such as
 * EDSR without residual scaling depend on its small scale.
 */
public final class TorchInit implements IWeightInit {
    @Override
    public INDArray init(double fanIn, double fanOut, long[] shape, char order, INDArray paramView) {
        double b = 1.0 / Math.sqrt(fanIn);
        Nd4j.rand(paramView, Nd4j.getDistributions().createUniform(-b, b));
        return paramView.reshape(order, shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TorchInit;
    }

    @Override
    public int hashCode() {
        return TorchInit.class.hashCode();
    }
}
