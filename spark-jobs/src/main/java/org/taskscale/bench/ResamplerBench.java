package org.taskscale.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.taskscale.layers.AdaptiveResampling;

/**
 * Times CAR's resampler: the Java loops the layer uses (forward, and backward for all three inputs), and, for
 * comparison, the forward pass written with ND4J array ops (per tap: positions, reflection, four gathers per
 * channel, bilinear weights). Figures per HR megapixel of input.
 */
public final class ResamplerBench {
    private ResamplerBench() {}

    /** Milliseconds per call, median of {@code repeats} after one warm-up: forward, backward, ND4J-op forward. */
    public record Result(double forwardMs, double backwardMs, double nd4jForwardMs, double megapixels, double maxDiff) {}

    public static Result run(int n, int side, int scale, int repeats) {
        int k = 3 * scale + 1;
        AdaptiveResampling.Shape s = new AdaptiveResampling.Shape(n, 3, side, side, k, scale, scale);
        Random r = new Random(1);
        int lr = side / scale;
        double[] hr = fill(new double[n * 3 * side * side], r, 0, 1);
        double[] w = fill(new double[n * k * k * lr * lr], r, 0, 2.0 / (k * k));
        double[] off = fill(new double[n * 2 * k * k * lr * lr], r, -1, 1);
        double[] g = fill(new double[n * 3 * lr * lr], r, -1, 1);
        List<Double> fw = new ArrayList<>();
        List<Double> bw = new ArrayList<>();
        List<Double> nd = new ArrayList<>();
        double[] out = null;
        double[] out2 = null;
        for (int i = 0; i <= repeats; i++) {
            long t0 = System.nanoTime();
            out = AdaptiveResampling.forward(s, hr, w, off);
            long t1 = System.nanoTime();
            AdaptiveResampling.backward(s, hr, w, off, g);
            long t2 = System.nanoTime();
            out2 = nd4jForward(s, hr, w, off);
            long t3 = System.nanoTime();
            if (i > 0) {
                fw.add((t1 - t0) / 1e6);
                bw.add((t2 - t1) / 1e6);
                nd.add((t3 - t2) / 1e6);
            }
        }
        double diff = 0;
        for (int i = 0; i < out.length; i++) {
            diff = Math.max(diff, Math.abs(out[i] - out2[i]));
        }
        return new Result(median(fw), median(bw), median(nd), n * (double) side * side / 1e6, diff);
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

    /** The same forward pass with ND4J ops only (float arrays): the alternative to the loops. */
    static double[] nd4jForward(AdaptiveResampling.Shape s, double[] hrD, double[] wD, double[] offD) {
        int n = s.n();
        int c = s.c();
        int hh = s.height();
        int ww = s.width();
        int k = s.k();
        int taps = k * k;
        int pad = k / 2;
        int h = hh / s.scale();
        int w = ww / s.scale();
        INDArray hr = Nd4j.create(hrD, new long[] {(long) n * c * hh * ww}).castTo(DataType.FLOAT);
        INDArray weights = Nd4j.create(wD, new long[] {n, taps, h, w}).castTo(DataType.FLOAT);
        INDArray offsets = Nd4j.create(offD, new long[] {n, 2 * taps, h, w}).castTo(DataType.FLOAT);
        INDArray cy = Nd4j.arange(h).castTo(DataType.FLOAT).addi(0.5).muli(s.scale()).subi(0.5 + (k - 1) / 2.0)
                .reshape(1, h, 1).broadcast(n, h, w);
        INDArray cx = Nd4j.arange(w).castTo(DataType.FLOAT).addi(0.5).muli(s.scale()).subi(0.5 + (k - 1) / 2.0)
                .reshape(1, 1, w).broadcast(n, h, w);
        INDArray batchBase = Nd4j.arange(n).castTo(DataType.FLOAT).muli((double) c * hh * ww).reshape(n, 1, 1)
                .broadcast(n, h, w);
        INDArray out = Nd4j.zeros(DataType.FLOAT, n, c, h, w);
        for (int t = 0; t < taps; t++) {
            INDArray px = offsets.get(all(), point(t)).mul(s.unit()).addi(cx).addi(t % k);
            INDArray py = offsets.get(all(), point(taps + t)).mul(s.unit()).addi(cy).addi(t / k);
            INDArray fx = Transforms.floor(px, true);
            INDArray fy = Transforms.floor(py, true);
            INDArray alpha = px.sub(fx);
            INDArray beta = py.sub(fy);
            INDArray x0 = clamp(fx, -pad, ww - 1 + pad);
            INDArray y0 = clamp(fy, -pad, hh - 1 + pad);
            INDArray x1 = clamp(x0.add(1), -pad, ww - 1 + pad);
            INDArray y1 = clamp(y0.add(1), -pad, hh - 1 + pad);
            INDArray[] xs = {reflect(x0, ww), reflect(x1, ww)};
            INDArray[] ys = {reflect(y0, hh), reflect(y1, hh)};
            INDArray[] bil = {alpha.rsub(1).muli(beta.rsub(1)), alpha.mul(beta.rsub(1)), alpha.rsub(1).muli(beta),
                alpha.mul(beta)};
            INDArray wt = weights.get(all(), point(t));
            for (int corner = 0; corner < 4; corner++) {
                INDArray idx = ys[corner / 2].mul(ww).addi(xs[corner % 2]).addi(batchBase);
                INDArray coef = bil[corner].mul(wt);
                for (int ch = 0; ch < c; ch++) {
                    INDArray flat = idx.add((double) ch * hh * ww).castTo(DataType.INT).reshape(-1);
                    INDArray v = Nd4j.pullRows(hr.reshape(-1, 1), 1, flat.toIntVector()).reshape(n, h, w);
                    out.get(all(), point(ch)).addi(v.muli(coef));
                }
            }
        }
        return out.castTo(DataType.DOUBLE).data().asDouble();
    }

    private static org.nd4j.linalg.indexing.INDArrayIndex all() {
        return org.nd4j.linalg.indexing.NDArrayIndex.all();
    }

    private static org.nd4j.linalg.indexing.INDArrayIndex point(int i) {
        return org.nd4j.linalg.indexing.NDArrayIndex.point(i);
    }

    private static INDArray clamp(INDArray a, double lo, double hi) {
        return Transforms.min(Transforms.max(a, lo, true), hi, false);
    }

    /** Mirror without repeating the edge: (size-1) - |(size-1) - |i||, valid within one size of the border. */
    private static INDArray reflect(INDArray i, int size) {
        return Transforms.abs(Transforms.abs(i, true).rsubi(size - 1), false).rsubi(size - 1);
    }
}
