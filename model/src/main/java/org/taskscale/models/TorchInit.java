package org.taskscale.models;

import java.util.SplittableRandom;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * PyTorch's default initialisation of convolution weights, {@code kaiming_uniform_(a = sqrt(5))}, i.e. uniform in
 * {@code [-1/sqrt(fanIn), 1/sqrt(fanIn)]}: the seed models were trained from it, and deep residual stacks such as
 * EDSR without residual scaling depend on its small scale. Reproducible: the same seed gives the same weights.
 */
public final class TorchInit implements IWeightInit {
    private static final ThreadLocal<SplittableRandom> STREAM = new ThreadLocal<>();

    /** Runs {@code init} (a network's initialisation) with every TorchInit weight drawn from {@code seed}. */
    public static <T> T withSeed(long seed, java.util.function.Supplier<T> init) {
        STREAM.set(new SplittableRandom(seed));
        try {
            return init.get();
        } finally {
            STREAM.remove();
        }
    }

    @Override
    public INDArray init(double fanIn, double fanOut, long[] shape, char order, INDArray paramView) {
        double b = 1.0 / Math.sqrt(fanIn);
        // ND4J M2.1's generator is not in a reproducible state when DL4J initialises parameters (the same seed
        // gives other weights on every run, for DL4J's own initialisers too): inside withSeed the weights come from
        // a Java stream of that seed instead
        SplittableRandom stream = STREAM.get();
        SplittableRandom rng = stream != null ? stream.split() : new SplittableRandom(Nd4j.getRandom().nextLong());
        long n = paramView.length();
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("A parameter array of " + n + " values is too large to initialise.");
        }
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (2 * rng.nextDouble() - 1) * b;
        }
        paramView.assign(Nd4j.create(v, new long[] {n}, paramView.dataType()).reshape(paramView.shape()));
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
