package org.taskscale.models;

import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.learning.config.IUpdater;
import org.taskscale.tasks.Task;

/**
 * One registered network: its name (the contract experiment files use), what it does, and how it is built from
 * the {@code taskscale.model} block. Implementations are stateless.
 */
public interface Architecture {
    /** The registered name, e.g. {@code edsr}. */
    String name();

    /** One line for {@code taskscale models}. */
    String description();

    /** What it learns, and so which inputs and labels it needs. */
    Task task();

    /** The scales it supports; {1} for models that keep the size. */
    Set<Integer> scales();

    /** Image channels of the network input for this config. */
    int inputChannels(ModelConfig m);

    /** A training patch side (network input) that suits it: the benchmark and test size. */
    int defaultPatch(ModelConfig m);

    /** The graph for {@code m} (already checked by {@link ModelRegistry#configure}), trained with {@code updater}. */
    ComputationGraphConfiguration configure(ModelConfig m, IUpdater updater);
}
