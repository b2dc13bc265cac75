package org.taskscale.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The machine's fp32 peak as measured, not as rated: the rate of a large single-precision matrix product through
 * ND4J's BLAS (OpenBLAS on the CPU backend), on all of ND4J's threads. A tuned SGEMM is the densest FMA stream a
 * library issues (its inner kernel is a register-blocked FMA loop), so its rate is what the convolutions of a network
 * could reach at best; it includes the clock the CPU actually holds under that load, which the rated figure
 * (cores x FLOP/cycle x base clock) does not.
 */
public final class MachinePeak {
    private MachinePeak() {}

    /** One measurement: the matrix side, the products timed, and GFLOP/s (the best of the repeats). */
    public record Result(int side, int products, double gflops, int threads) {}

    /** Times {@code side x side} SGEMMs for about {@code seconds} after one untimed product; the best second counts. */
    public static Result sgemm(int side, double seconds) {
        Nd4j.getRandom().setSeed(0);
        INDArray a = Nd4j.rand(DataType.FLOAT, side, side);
        INDArray b = Nd4j.rand(DataType.FLOAT, side, side);
        INDArray c = Nd4j.create(DataType.FLOAT, side, side);
        Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
        double flop = 2.0 * side * side * side;
        double best = 0;
        int n = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < seconds * 1e9 || n < 3) {
            long t0 = System.nanoTime();
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            best = Math.max(best, flop / (System.nanoTime() - t0));  // FLOP per ns = GFLOP/s
            n++;
        }
        return new Result(side, n, best, BenchCommand.threads());
    }
}
