package org.taskscale.prep;

import java.math.BigDecimal;
import java.util.Arrays;
import org.apache.spark.util.AccumulatorV2;

/**
 * A Spark accumulator of per-channel sums that is exact, so that its value does not depend on the order in which
 * tasks finish: every added double is summed as a {@link BigDecimal} (a double's exact value), and the value is
 * rounded to double once, at the end. The manifest's channel means come out the same on any number of
 * executors (with a {@code DoubleAccumulator} they moved in the last digits from run to run).
 */
public final class ExactSums extends AccumulatorV2<double[], double[]> {
    private BigDecimal[] sums;

    public ExactSums(int channels) {
        sums = new BigDecimal[channels];
        Arrays.fill(sums, BigDecimal.ZERO);
    }

    @Override
    public boolean isZero() {
        return Arrays.stream(sums).allMatch(s -> s.signum() == 0);
    }

    @Override
    public ExactSums copy() {
        ExactSums c = new ExactSums(sums.length);
        c.sums = sums.clone();
        return c;
    }

    @Override
    public void reset() {
        Arrays.fill(sums, BigDecimal.ZERO);
    }

    @Override
    public void add(double[] v) {
        if (v.length != sums.length) {
            throw new IllegalArgumentException("Expected " + sums.length + " channel sums, got " + v.length + ".");
        }
        for (int c = 0; c < v.length; c++) {
            sums[c] = sums[c].add(new BigDecimal(v[c]));
        }
    }

    @Override
    public void merge(AccumulatorV2<double[], double[]> other) {
        BigDecimal[] o = ((ExactSums) other).sums;
        for (int c = 0; c < sums.length; c++) {
            sums[c] = sums[c].add(o[c]);
        }
    }

    @Override
    public double[] value() {
        return Arrays.stream(sums).mapToDouble(BigDecimal::doubleValue).toArray();
    }

    /** The sums divided by {@code n}, each rounded once. */
    public double[] mean(long n) {
        return Arrays.stream(sums).mapToDouble(s -> n == 0 ? 0.0
                : s.divide(BigDecimal.valueOf(n), java.math.MathContext.DECIMAL128).doubleValue()).toArray();
    }
}
