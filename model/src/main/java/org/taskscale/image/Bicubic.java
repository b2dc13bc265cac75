package org.taskscale.image;

/**
 * Resizing with MATLAB's {@code imresize(..., 'bicubic')} semantics, the way SR benchmarks make their
 * low-resolution images: Keys cubic kernel with a = -0.5; when shrinking, the kernel is widened by 1/scale
 * (antialiasing); weights are normalised to sum to one; borders are padded symmetrically (edge sample
 * repeated); the output size is {@code ceil(scale * size)}; the dimension with the smaller scale is resized
 * first. Arithmetic is in double, intermediate results are kept unrounded (float), and the output is not
 * rounded: {@link Image#quantized8()} gives MATLAB's uint8 result.
 */
public final class Bicubic {
    private Bicubic() {}

    /** Resizes by {@code scale} in both directions; the output is {@code ceil(scale * size)}. */
    public static Image resize(Image in, double scale) {
        return resize(in, scale, scale);
    }

    /** Resizes by separate scales for height and width. */
    public static Image resize(Image in, double scaleH, double scaleW) {
        checkScale(scaleH);
        checkScale(scaleW);
        int outH = (int) Math.ceil(scaleH * in.height());
        int outW = (int) Math.ceil(scaleW * in.width());
        return resize(in, outH, outW, scaleH, scaleW);
    }

    /** Resizes to exactly {@code outH x outW}; the scales are output size over input size. */
    public static Image resizeTo(Image in, int outH, int outW) {
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("The target size must be positive, not " + outW + "x" + outH + ".");
        }
        return resize(in, outH, outW, (double) outH / in.height(), (double) outW / in.width());
    }

    private static void checkScale(double s) {
        if (!(s > 0) || Double.isInfinite(s)) {
            throw new IllegalArgumentException("The resize scale must be a positive number, not " + s + ".");
        }
    }

    private static Image resize(Image in, int outH, int outW, double scaleH, double scaleW) {
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("Resizing " + in.width() + "x" + in.height() + " by " + scaleW + "x"
                    + scaleH + " leaves no pixels.");
        }
        Image cur = in;
        if (scaleH <= scaleW) {
            cur = alongHeight(cur, contributions(in.height(), outH, scaleH));
            cur = alongWidth(cur, contributions(in.width(), outW, scaleW));
        } else {
            cur = alongWidth(cur, contributions(in.width(), outW, scaleW));
            cur = alongHeight(cur, contributions(in.height(), outH, scaleH));
        }
        return cur == in ? in.copy() : cur;
    }

    /**
     * The resize of one dimension as a dense {@code [ceil(scale * inLength), inLength]} matrix (row o holds
     * the weights of output sample o; mirrored taps are summed into the sample they repeat).
     */
    public static double[][] weightMatrix(int inLength, double scale) {
        checkScale(scale);
        int out = (int) Math.ceil(scale * inLength);
        Contributions c = contributions(inLength, out, scale);
        double[][] m = new double[out][inLength];
        for (int o = 0; o < out; o++) {
            for (int k = 0; k < c.taps(); k++) {
                m[o][c.indices()[o * c.taps() + k]] += c.weights()[o * c.taps() + k];
            }
        }
        return m;
    }

    /** Weights and source indices for one dimension: {@code taps} per output sample. */
    record Contributions(int outLength, int taps, double[] weights, int[] indices) {}

    /** MATLAB's cubic kernel, a = -0.5. */
    static double cubic(double x) {
        double ax = Math.abs(x);
        double ax2 = ax * ax;
        double ax3 = ax2 * ax;
        if (ax <= 1) {
            return 1.5 * ax3 - 2.5 * ax2 + 1;
        }
        if (ax <= 2) {
            return -0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2;
        }
        return 0;
    }

    /** MATLAB's {@code contributions} (imresize.m), with 0-based indices and symmetric padding. */
    static Contributions contributions(int inLength, int outLength, double scale) {
        double kernelWidth = 4.0;
        boolean antialias = scale < 1;
        if (antialias) {
            kernelWidth /= scale;
        }
        int taps = (int) Math.ceil(kernelWidth) + 2;
        double[] weights = new double[outLength * taps];
        int[] indices = new int[outLength * taps];
        for (int o = 0; o < outLength; o++) {
            double u = (o + 1) / scale + 0.5 * (1 - 1 / scale);  // 1-based source position
            double left = Math.floor(u - kernelWidth / 2);
            double sum = 0;
            for (int k = 0; k < taps; k++) {
                double idx = left + k;
                double d = u - idx;
                double wt = antialias ? scale * cubic(scale * d) : cubic(d);
                weights[o * taps + k] = wt;
                sum += wt;
                indices[o * taps + k] = mirror((int) idx - 1, inLength);
            }
            for (int k = 0; k < taps; k++) {
                weights[o * taps + k] /= sum;
            }
        }
        return new Contributions(outLength, taps, weights, indices);
    }

    /** Symmetric padding of a 0-based index: ..., 1, 0 | 0, 1, ..., n-1 | n-1, n-2, ... */
    static int mirror(int i, int n) {
        int period = 2 * n;
        int m = Math.floorMod(i, period);
        return m < n ? m : period - 1 - m;
    }

    private static Image alongWidth(Image in, Contributions cw) {
        int c = in.channels();
        int h = in.height();
        int w = in.width();
        int ow = cw.outLength();
        int taps = cw.taps();
        float[] src = in.data();
        float[] dst = new float[c * h * ow];
        double[] wt = cw.weights();
        int[] ix = cw.indices();
        for (int row = 0; row < c * h; row++) {
            int so = row * w;
            int doff = row * ow;
            for (int x = 0; x < ow; x++) {
                double acc = 0;
                int base = x * taps;
                for (int k = 0; k < taps; k++) {
                    acc += wt[base + k] * src[so + ix[base + k]];
                }
                dst[doff + x] = (float) acc;
            }
        }
        return new Image(c, h, ow, dst);
    }

    private static Image alongHeight(Image in, Contributions ch) {
        int c = in.channels();
        int h = in.height();
        int w = in.width();
        int oh = ch.outLength();
        int taps = ch.taps();
        float[] src = in.data();
        float[] dst = new float[c * oh * w];
        double[] acc = new double[w];
        double[] wt = ch.weights();
        int[] ix = ch.indices();
        for (int p = 0; p < c; p++) {
            int plane = p * h * w;
            for (int y = 0; y < oh; y++) {
                java.util.Arrays.fill(acc, 0);
                int base = y * taps;
                for (int k = 0; k < taps; k++) {
                    double wk = wt[base + k];
                    if (wk == 0) {
                        continue;
                    }
                    int so = plane + ix[base + k] * w;
                    for (int x = 0; x < w; x++) {
                        acc[x] += wk * src[so + x];
                    }
                }
                int doff = (p * oh + y) * w;
                for (int x = 0; x < w; x++) {
                    dst[doff + x] = (float) acc[x];
                }
            }
        }
        return new Image(c, oh, w, dst);
    }
}
