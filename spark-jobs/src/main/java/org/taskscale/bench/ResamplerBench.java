package org.taskscale.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.taskscale.layers.AdaptiveResampling;
import org.taskscale.layers.AdaptiveResamplingOps;

/**
 * Times CAR's resampler both ways the layer can run it: the Java loops (the CPU backend's path) and the ND4J
 * operations (the path on any other backend, {@link AdaptiveResamplingOps}, in float as networks run), forward and
 * backward for all three inputs. Figures per HR megapixel of input.
 */
public final class ResamplerBench {
    private ResamplerBench() {}

    /** Milliseconds per call, median of {@code repeats} after one warm-up, and the paths' largest output difference. */
    public record Result(double loopsForwardMs, double loopsBackwardMs, double opsForwardMs, double opsBackwardMs,
                         double megapixels, double maxDiff) {}

    public static Result run(int n, int side, int scale, int repeats) {
        int k = 3 * scale + 1;
        AdaptiveResampling.Shape s = new AdaptiveResampling.Shape(n, 3, side, side, k, scale, scale);
        Random r = new Random(1);
        int lr = side / scale;
        double[] hr = fill(new double[n * 3 * side * side], r, 0, 1);
        double[] w = fill(new double[n * k * k * lr * lr], r, 0, 2.0 / (k * k));
        double[] off = fill(new double[n * 2 * k * k * lr * lr], r, -1, 1);
        double[] g = fill(new double[n * 3 * lr * lr], r, -1, 1);
        INDArray hrA = Nd4j.create(hr, new long[] {n, 3, side, side}, 'c').castTo(DataType.FLOAT);
        INDArray wA = Nd4j.create(w, new long[] {n, k * k, lr, lr}, 'c').castTo(DataType.FLOAT);
        INDArray offA = Nd4j.create(off, new long[] {n, 2 * k * k, lr, lr}, 'c').castTo(DataType.FLOAT);
        INDArray gA = Nd4j.create(g, new long[] {n, 3, lr, lr}, 'c').castTo(DataType.FLOAT);
        List<List<Double>> ms = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        double[] out = null;
        INDArray out2 = null;
        for (int i = 0; i <= repeats; i++) {
            long t0 = System.nanoTime();
            out = AdaptiveResampling.forward(s, hr, w, off);
            long t1 = System.nanoTime();
            AdaptiveResampling.backward(s, hr, w, off, g);
            long t2 = System.nanoTime();
            out2 = AdaptiveResamplingOps.forward(s, hrA, wA, offA);
            Nd4j.getExecutioner().commit();  // asynchronous backends: the time of the work, not of queuing it
            long t3 = System.nanoTime();
            AdaptiveResamplingOps.backward(s, hrA, wA, offA, gA);
            Nd4j.getExecutioner().commit();
            long t4 = System.nanoTime();
            if (i > 0) {
                long[] t = {t0, t1, t2, t3, t4};
                for (int j = 0; j < 4; j++) {
                    ms.get(j).add((t[j + 1] - t[j]) / 1e6);
                }
            }
        }
        double[] o2 = out2.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double diff = 0;
        for (int i = 0; i < out.length; i++) {
            diff = Math.max(diff, Math.abs(out[i] - o2[i]));
        }
        return new Result(median(ms.get(0)), median(ms.get(1)), median(ms.get(2)), median(ms.get(3)),
                n * (double) side * side / 1e6, diff);
    }

    private static double[] fill(double[] a, Random r, double lo, double hi) {
        for (int i = 0; i < a.length; i++) {
            a[i] = lo + (hi - lo) * r.nextDouble();
        }
        return a;
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        return s.get(s.size() / 2);
    }
}
