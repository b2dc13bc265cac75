package org.taskscale.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** CAR's resampler: known answers of fixed kernels, and its gradients against central differences. */
class AdaptiveResamplingTest {
    static double[] random(int n, Random r, double lo, double hi) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = lo + (hi - lo) * r.nextDouble();
        }
        return a;
    }

    /** Weights with all mass on tap {@code t} (or uniform when t < 0). */
    static double[] weights(AdaptiveResampling.Shape s, int t) {
        int plane = s.lrHeight() * s.lrWidth();
        double[] w = new double[s.n() * s.taps() * plane];
        for (int b = 0; b < s.n(); b++) {
            for (int k = 0; k < s.taps(); k++) {
                for (int i = 0; i < plane; i++) {
                    w[(b * s.taps() + k) * plane + i] = t < 0 ? 1.0 / s.taps() : k == t ? 1 : 0;
                }
            }
        }
        return w;
    }

    static double hr(double[] img, AdaptiveResampling.Shape s, int b, int c, int y, int x) {
        return img[((b * s.c() + c) * s.height() + y) * s.width() + x];
    }

    static double lr(double[] out, AdaptiveResampling.Shape s, int b, int c, int y, int x) {
        return out[((b * s.c() + c) * s.lrHeight() + y) * s.lrWidth() + x];
    }

    @Test
    void fixedKernelsGiveSubsamplingAndBoxFiltering() {
        Random r = new Random(3);
        // x3, 3x3 grid, zero offsets: the centre tap is the footprint's centre pixel; uniform weights the 3x3 mean
        AdaptiveResampling.Shape s3 = new AdaptiveResampling.Shape(2, 3, 12, 15, 3, 3, 3);
        double[] img = random(2 * 3 * 12 * 15, r, 0, 1);
        double[] zero = new double[2 * 2 * 9 * 4 * 5];
        double[] centre = AdaptiveResampling.forward(s3, img, weights(s3, 4), zero);
        double[] box = AdaptiveResampling.forward(s3, img, weights(s3, -1), zero);
        // x2, 2x2 grid, uniform: the 2x2 mean; x2 with CAR's 7x7 grid, centre tap: between four pixels, their mean
        AdaptiveResampling.Shape s2 = new AdaptiveResampling.Shape(2, 3, 12, 16, 2, 2, 2);
        double[] img2 = random(2 * 3 * 12 * 16, r, 0, 1);
        double[] box2 = AdaptiveResampling.forward(s2, img2, weights(s2, -1), new double[2 * 8 * 6 * 8]);
        AdaptiveResampling.Shape s7 = new AdaptiveResampling.Shape(2, 3, 12, 16, 7, 2, 2);
        double[] centre7 = AdaptiveResampling.forward(s7, img2, weights(s7, 24), new double[2 * 98 * 6 * 8]);
        // x2, one tap moved half an HR pixel up and left (offset -0.25 in units of 2): plain subsampling
        AdaptiveResampling.Shape s1 = new AdaptiveResampling.Shape(2, 3, 12, 16, 1, 2, 2);
        double[] shift = new double[2 * 2 * 6 * 8];
        java.util.Arrays.fill(shift, -0.25);
        double[] sub = AdaptiveResampling.forward(s1, img2, weights(s1, 0), shift);
        for (int b = 0; b < 2; b++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 4; y++) {
                    for (int x = 0; x < 5; x++) {
                        assertEquals(hr(img, s3, b, c, 3 * y + 1, 3 * x + 1), lr(centre, s3, b, c, y, x), 1e-12);
                        double m = 0;
                        for (int dy = 0; dy < 3; dy++) {
                            for (int dx = 0; dx < 3; dx++) {
                                m += hr(img, s3, b, c, 3 * y + dy, 3 * x + dx) / 9;
                            }
                        }
                        assertEquals(m, lr(box, s3, b, c, y, x), 1e-12);
                    }
                }
                for (int y = 0; y < 6; y++) {
                    for (int x = 0; x < 8; x++) {
                        double m = (hr(img2, s2, b, c, 2 * y, 2 * x) + hr(img2, s2, b, c, 2 * y + 1, 2 * x)
                                + hr(img2, s2, b, c, 2 * y, 2 * x + 1) + hr(img2, s2, b, c, 2 * y + 1, 2 * x + 1)) / 4;
                        assertEquals(m, lr(box2, s2, b, c, y, x), 1e-12);
                        assertEquals(m, lr(centre7, s7, b, c, y, x), 1e-12);
                        assertEquals(hr(img2, s2, b, c, 2 * y, 2 * x), lr(sub, s1, b, c, y, x), 1e-12);
                    }
                }
            }
        }
    }

    @Test
    void gradientsMatchCentralDifferences() {
        Random r = new Random(11);
        // CAR's x2 kernel (7x7, unit 2), offsets reaching past the border so that reflection and clamping are used
        AdaptiveResampling.Shape s = new AdaptiveResampling.Shape(2, 3, 10, 12, 7, 2, 2);
        int plane = s.lrHeight() * s.lrWidth();
        double[] img = random(2 * 3 * 10 * 12, r, 0, 1);
        double[] w = random(2 * 49 * plane, r, 0, 0.05);
        double[] off = random(2 * 98 * plane, r, -1, 1);
        double[] g = random(2 * 3 * plane, r, -1, 1);
        double[][] grads = AdaptiveResampling.backward(s, img, w, off, g);
        double[][] inputs = {img, w, off};
        String[] names = {"image", "weights", "offsets"};
        double eps = 1e-6;
        int checked = 0;
        for (int k = 0; k < 3; k++) {
            double[] a = inputs[k];
            for (int i = 0; i < a.length; i += 7) {
                double orig = a[i];
                a[i] = orig + eps;
                double plus = dot(g, AdaptiveResampling.forward(s, img, w, off));
                a[i] = orig - eps;
                double minus = dot(g, AdaptiveResampling.forward(s, img, w, off));
                a[i] = orig;
                double numeric = (plus - minus) / (2 * eps);
                double diff = Math.abs(numeric - grads[k][i]);
                assertTrue(diff <= 1e-7 + 1e-6 * Math.abs(numeric), names[k] + "[" + i + "]: backprop " + grads[k][i]
                        + ", numeric " + numeric);
                checked++;
            }
        }
        assertTrue(checked > 1000, checked + " values checked");
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
