package org.taskscale.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.segment.UnsortedSegmentSum;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link AdaptiveResampling}'s resampler made of ND4J and libnd4j operations only, for backends where the arrays
 * live on a GPU: the loops would copy every batch to host memory and back. All taps are done at once: positions,
 * reflection and bilinear weights as element-wise ops on {@code [n, k*k, H/s, W/s]} arrays, the four corner reads of
 * every channel as one {@code gather_nd} each, and the image gradient as one {@code unsorted_segment_sum} (a
 * scatter-add that is correct where taps read the same pixel). On the CPU this path is far slower than the loops
 * (libnd4j's CPU scatter-add runs index by index), which is why the CPU backend keeps the loops. Arrays are NCHW
 * in the data type of the image (float or double); the geometry is the loops' exactly.
 */
public final class AdaptiveResamplingOps {
    private AdaptiveResamplingOps() {}

    /** Corner reads of one call: gather indices and bilinear weights per corner, and the fractional positions. */
    private record Taps(INDArray[] index, INDArray[] bilinear, INDArray alpha, INDArray beta) {}

    /** The LR image {@code [n, c, H/s, W/s]} from the image, (normalised) weights and offsets, all NCHW. */
    public static INDArray forward(AdaptiveResampling.Shape s, INDArray hr, INDArray weights, INDArray offsets) {
        Taps taps = taps(s, offsets, hr.dataType());
        INDArray sum = null;
        for (int corner = 0; corner < 4; corner++) {
            INDArray v = read(s, hr, taps.index()[corner]).muli(spread(s, taps.bilinear()[corner]));
            sum = sum == null ? v : sum.addi(v);
        }
        return sum.muli(spread(s, weights)).sum(2);
    }

    /**
     * Gradients with respect to the image, the (normalised) weights and the offsets, given the gradient {@code grad}
     * ({@code [n, c, H/s, W/s]}) of a loss on the output.
     */
    public static INDArray[] backward(AdaptiveResampling.Shape s, INDArray hr, INDArray weights, INDArray offsets,
                                      INDArray grad) {
        DataType dt = hr.dataType();
        Taps taps = taps(s, offsets, dt);
        INDArray g = Nd4j.zeros(dt, five(s)).addi(grad.castTo(dt).reshape(s.n(), s.c(), 1, s.lrHeight(), s.lrWidth()));
        INDArray[] v = new INDArray[4];
        for (int corner = 0; corner < 4; corner++) {
            v[corner] = read(s, hr, taps.index()[corner]);  // top-left, top-right, bottom-left, bottom-right
        }
        INDArray interp = null;
        for (int corner = 0; corner < 4; corner++) {
            INDArray t = v[corner].mul(spread(s, taps.bilinear()[corner]));
            interp = interp == null ? t : interp.addi(t);
        }
        INDArray dW = interp.muli(g).sum(1);
        INDArray oneMinusBeta = spread(s, taps.beta().rsub(1));
        INDArray beta = spread(s, taps.beta());
        INDArray oneMinusAlpha = spread(s, taps.alpha().rsub(1));
        INDArray alpha = spread(s, taps.alpha());
        INDArray gx = v[1].sub(v[0]).muli(oneMinusBeta).addi(v[3].sub(v[2]).muli(beta)).muli(g).sum(1);
        INDArray gy = v[2].sub(v[0]).muli(oneMinusAlpha).addi(v[3].sub(v[1]).muli(alpha)).muli(g).sum(1);
        INDArray dOff = Nd4j.concat(1, gx.muli(weights).muli(s.unit()), gy.muli(weights).muli(s.unit()));

        INDArray gw = g.mul(spread(s, weights));
        INDArray[] parts = new INDArray[4];
        INDArray[] ids = new INDArray[4];
        for (int corner = 0; corner < 4; corner++) {
            parts[corner] = gw.mul(spread(s, taps.bilinear()[corner])).reshape(-1);
            ids[corner] = channels(s, taps.index()[corner]).reshape(-1);
        }
        INDArray dHr = Nd4j.exec(new UnsortedSegmentSum(Nd4j.concat(0, parts), Nd4j.concat(0, ids),
                (int) hr.length()))[0].reshape(hr.shape());
        return new INDArray[] {dHr, dW, dOff};
    }

    /** Softmax over the taps (dimension 1) of {@code [n, taps, h, w]} logits. */
    static INDArray softmax(INDArray logits) {
        INDArray e = Transforms.exp(logits.sub(logits.max(true, 1)), false);
        return e.divi(e.sum(true, 1));
    }

    /** The logits' gradient from the probabilities' ({@code p * (dp - sum_t p dp)}). */
    static INDArray softmaxBackward(INDArray p, INDArray dp) {
        return dp.sub(p.mul(dp).sum(true, 1)).muli(p);
    }

    /**
     * Adds the gradients of the offset regularisers to {@code dOff}: {@code l1} times the mean absolute offset and
     * {@code tv} times the mean absolute difference between neighbouring LR pixels of each offset map.
     */
    static void regularise(INDArray dOff, INDArray off, double l1, double tv) {
        if (l1 > 0) {
            dOff.addi(Transforms.sign(off, true).muli(l1 / off.length()));
        }
        if (tv > 0) {
            long maps = off.size(0) * off.size(1);
            long h = off.size(2);
            long w = off.size(3);
            double f = tv / Math.max(1, (double) maps * ((h - 1) * w + h * (w - 1)));
            INDArrayIndex all = NDArrayIndex.all();
            if (w > 1) {
                INDArray d = Transforms.sign(off.get(all, all, all, NDArrayIndex.interval(1, w))
                        .sub(off.get(all, all, all, NDArrayIndex.interval(0, w - 1))), false).muli(f);
                dOff.get(all, all, all, NDArrayIndex.interval(1, w)).addi(d);
                dOff.get(all, all, all, NDArrayIndex.interval(0, w - 1)).subi(d);
            }
            if (h > 1) {
                INDArray d = Transforms.sign(off.get(all, all, NDArrayIndex.interval(1, h), all)
                        .sub(off.get(all, all, NDArrayIndex.interval(0, h - 1), all)), false).muli(f);
                dOff.get(all, all, NDArrayIndex.interval(1, h), all).addi(d);
                dOff.get(all, all, NDArrayIndex.interval(0, h - 1), all).subi(d);
            }
        }
    }

    /** Positions of every tap: the flat index of each corner (channel 0) and its bilinear weight, per tap and pixel. */
    private static Taps taps(AdaptiveResampling.Shape s, INDArray offsets, DataType dt) {
        int n = s.n();
        int k = s.k();
        int taps = s.taps();
        int h = s.lrHeight();
        int w = s.lrWidth();
        int hh = s.height();
        int ww = s.width();
        int pad = k / 2;
        // the tap grid without offsets: small constants, made on the host once per call
        double[] gx = new double[taps * w];
        double[] gy = new double[taps * h];
        for (int t = 0; t < taps; t++) {
            for (int x = 0; x < w; x++) {
                gx[t * w + x] = (x + 0.5) * s.scale() - 0.5 - (k - 1) / 2.0 + t % k;
            }
            for (int y = 0; y < h; y++) {
                gy[t * h + y] = (y + 0.5) * s.scale() - 0.5 - (k - 1) / 2.0 + t / k;
            }
        }
        INDArray off = offsets.castTo(dt);
        INDArrayIndex all = NDArrayIndex.all();
        INDArray px = off.get(all, NDArrayIndex.interval(0, taps), all, all).mul(s.unit())
                .addi(Nd4j.create(gx, new long[] {1, taps, 1, w}, 'c').castTo(dt));
        INDArray py = off.get(all, NDArrayIndex.interval(taps, 2 * taps), all, all).mul(s.unit())
                .addi(Nd4j.create(gy, new long[] {1, taps, h, 1}, 'c').castTo(dt));
        INDArray fx = Transforms.floor(px, true);
        INDArray fy = Transforms.floor(py, true);
        INDArray alpha = px.subi(fx);
        INDArray beta = py.subi(fy);
        INDArray x0 = clamp(fx, -pad, ww - 1 + pad);
        INDArray y0 = clamp(fy, -pad, hh - 1 + pad);
        INDArray[] xs = {reflect(x0, ww), reflect(clamp(x0.add(1), -pad, ww - 1 + pad), ww)};
        INDArray[] ys = {reflect(y0, hh), reflect(clamp(y0.add(1), -pad, hh - 1 + pad), hh)};
        INDArray batch = Nd4j.arange(n).castTo(dt).muli((double) s.c() * hh * ww).reshape(n, 1, 1, 1);
        INDArray[] index = new INDArray[4];
        for (int corner = 0; corner < 4; corner++) {
            index[corner] = ys[corner / 2].mul(ww).addi(xs[corner % 2]).addi(batch).castTo(DataType.INT);
        }
        INDArray a1 = alpha.rsub(1);
        INDArray b1 = beta.rsub(1);
        INDArray[] bilinear = {a1.mul(b1), alpha.mul(b1), a1.mul(beta), alpha.mul(beta)};
        return new Taps(index, bilinear, alpha, beta);
    }

    /** The image values at a corner's indices for every channel, {@code [n, c, taps, h, w]}. */
    private static INDArray read(AdaptiveResampling.Shape s, INDArray hr, INDArray index) {
        INDArray flat = channels(s, index).reshape(-1, 1);
        // gather_nd, not gather: libnd4j's gather copies each index as a sub-array (50x slower here)
        return Nd4j.exec(DynamicCustomOp.builder("gather_nd").addInputs(hr.reshape(-1), flat).build())[0]
                .reshape(five(s));
    }

    /** A corner's channel-0 indices {@code [n, taps, h, w]} extended to every channel, {@code [n, c, taps, h, w]}. */
    private static INDArray channels(AdaptiveResampling.Shape s, INDArray index) {
        long[] five = five(s);
        INDArray plane = Nd4j.arange(s.c()).castTo(DataType.INT).muli(s.height() * s.width()).reshape(1, s.c(), 1, 1, 1);
        return Nd4j.zeros(DataType.INT, five).addi(index.reshape(s.n(), 1, s.taps(), s.lrHeight(), s.lrWidth()))
                .addi(plane);
    }

    /**
     * A per-tap array {@code [n, taps, h, w]} as {@code [n, 1, taps, h, w]}: ND4J broadcasts it over the channels of
     * the array it meets (cheaper than repeating it).
     */
    private static INDArray spread(AdaptiveResampling.Shape s, INDArray perTap) {
        return perTap.reshape(s.n(), 1, s.taps(), s.lrHeight(), s.lrWidth());
    }

    private static long[] five(AdaptiveResampling.Shape s) {
        return new long[] {s.n(), s.c(), s.taps(), s.lrHeight(), s.lrWidth()};
    }

    private static INDArray clamp(INDArray a, double lo, double hi) {
        return Transforms.min(Transforms.max(a, lo, true), hi, false);
    }

    /** Mirror without repeating the edge, {@code (size-1) - |(size-1) - |i||}: exact within one size of the border. */
    private static INDArray reflect(INDArray i, int size) {
        return Transforms.abs(Transforms.abs(i, true).rsubi(size - 1), false).rsubi(size - 1);
    }
}
