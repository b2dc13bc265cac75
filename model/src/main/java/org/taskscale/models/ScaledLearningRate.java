package org.taskscale.models;

import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * The learning rate of another updater configuration (its schedule included) times a factor: a layer trained at
 * a fraction of the network's rate, as ARCNN's last layer (the seed's optimiser groups).
 */
public final class ScaledLearningRate implements ISchedule {
    private IUpdater base;
    private double factor;

    public ScaledLearningRate() {}

    public ScaledLearningRate(IUpdater base, double factor) {
        this.base = base.clone();
        this.factor = factor;
    }

    /** A copy of {@code updater} whose learning rate is {@code factor} times its own at every step. */
    public static IUpdater scale(IUpdater updater, double factor) {
        IUpdater scaled = updater.clone();
        if (updater.hasLearningRate()) {
            scaled.setLrAndSchedule(factor * updater.getLearningRate(0, 0), new ScaledLearningRate(updater, factor));
        }
        return scaled;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        return factor * base.getLearningRate(iteration, epoch);
    }

    @Override
    public ISchedule clone() {
        return new ScaledLearningRate(base, factor);
    }

    public IUpdater getBase() { return base; }

    public void setBase(IUpdater base) { this.base = base; }

    public double getFactor() { return factor; }

    public void setFactor(double factor) { this.factor = factor; }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScaledLearningRate s && s.factor == factor && s.base.equals(base);
    }

    @Override
    public int hashCode() {
        return base.hashCode() * 31 + Double.hashCode(factor);
    }
}
