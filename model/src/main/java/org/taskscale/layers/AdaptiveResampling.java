package org.taskscale.layers;

import java.util.stream.IntStream;

/**
 * The content-adaptive resampler of CAR (Sun and Chen, 2020) as plain loops: each low-resolution pixel is a
 * weighted sum of a {@code k x k} grid of taps around its centre on the high-resolution image, each tap moved by
 * its own sub-pixel offset and read by bilinear interpolation. Positions past the border read the image mirrored
 * (reflection without repeating the edge, as CAR pads), clamped at {@code k / 2} pixels out.
 *
 * <p>Arrays are dense NCHW doubles: {@code hr [n, c, H, W]}, {@code weights [n, k*k, H/s, W/s]} (tap
 * {@code ky * k + kx}), {@code offsets [n, 2*k*k, H/s, W/s]} (the first {@code k*k} planes move taps along x,
 * the next along y, in units of {@code unit} HR pixels). Tap {@code (ky, kx)} of LR pixel {@code (y, x)} sits at
 * HR position {@code (y + 0.5) s - 0.5 + ky - (k-1)/2 + unit * dy} (and likewise along x): the grid is centred on
 * the LR pixel's footprint, as in CAR for its odd {@code k = 3s + 1}. So with zero offsets a {@code k = s} grid
 * lands on the footprint's pixels (uniform weights: exact box filtering), the centre tap of an odd grid at an odd
 * scale is the footprint's centre pixel (plain subsampling), and at an even scale it falls between four pixels.
 * Work is split over the images of the batch (no two threads write the same gradient).
 */
public final class AdaptiveResampling {
    private AdaptiveResampling() {}

    /** Shapes of one call. */
    public record Shape(int n, int c, int height, int width, int k, int scale, double unit) {
        public Shape {
            if (height % scale != 0 || width % scale != 0) {
                throw new IllegalArgumentException("The adaptive resampler needs HR sides that are multiples of the"
                        + " scale " + scale + ", not " + height + "x" + width + ".");
            }
            if (k < 1 || k / 2 >= Math.min(height, width)) {
                throw new IllegalArgumentException("A " + k + "x" + k + " resampling kernel needs an image wider than"
                        + " its radius, not " + height + "x" + width + ".");
            }
        }

        int lrHeight() { return height / scale; }
        int lrWidth() { return width / scale; }
        int taps() { return k * k; }
    }

    private static int reflect(int i, int size, int pad) {
        int j = Math.max(-pad, Math.min(size - 1 + pad, i));
        if (j < 0) {
            return -j;
        }
        if (j >= size) {
            return 2 * (size - 1) - j;
        }
        return j;
    }

    /** The LR image, {@code [n, c, H/s, W/s]}. */
    public static double[] forward(Shape s, double[] hr, double[] weights, double[] offsets) {
        int h = s.lrHeight();
        int w = s.lrWidth();
        double[] out = new double[s.n() * s.c() * h * w];
        run(s.n(), b -> sample(s, b, hr, weights, offsets, out, null, null, null, null));
        return out;
    }

    /**
     * Gradients of a loss with gradient {@code grad} ({@code [n, c, H/s, W/s]}) on the output with respect to the
     * HR image, the weights and the offsets, in the layouts of the inputs.
     */
    public static double[][] backward(Shape s, double[] hr, double[] weights, double[] offsets, double[] grad) {
        double[] dHr = new double[hr.length];
        double[] dW = new double[weights.length];
        double[] dOff = new double[offsets.length];
        run(s.n(), b -> sample(s, b, hr, weights, offsets, null, grad, dHr, dW, dOff));
        return new double[][] {dHr, dW, dOff};
    }

    private static void run(int n, java.util.function.IntConsumer body) {
        if (n == 1) {
            body.accept(0);
        } else {
            IntStream.range(0, n).parallel().forEach(body);
        }
    }

    /** Forward ({@code out} given) or backward ({@code grad} given) for image {@code b}. */
    private static void sample(Shape s, int b, double[] hr, double[] weights, double[] offsets, double[] out,
                               double[] grad, double[] dHr, double[] dW, double[] dOff) {
        int c = s.c();
        int hh = s.height();
        int ww = s.width();
        int h = s.lrHeight();
        int w = s.lrWidth();
        int k = s.k();
        int taps = s.taps();
        int pad = k / 2;
        int sc = s.scale();
        double unit = s.unit();
        int lrPlane = h * w;
        int hrPlane = hh * ww;
        int hrBase = b * c * hrPlane;
        int outBase = b * c * lrPlane;
        int wBase = b * taps * lrPlane;
        int oBase = b * 2 * taps * lrPlane;
        for (int y = 0; y < h; y++) {
            double cy = (y + 0.5) * sc - 0.5 - (k - 1) / 2.0;
            for (int x = 0; x < w; x++) {
                double cx = (x + 0.5) * sc - 0.5 - (k - 1) / 2.0;
                int lr = y * w + x;
                for (int t = 0; t < taps; t++) {
                    int ky = t / k;
                    int kx = t % k;
                    double dx = offsets[oBase + t * lrPlane + lr];
                    double dy = offsets[oBase + (taps + t) * lrPlane + lr];
                    double px = cx + kx + unit * dx;
                    double py = cy + ky + unit * dy;
                    double fx = Math.floor(px);
                    double fy = Math.floor(py);
                    double alpha = px - fx;
                    double beta = py - fy;
                    int x0 = Math.max(-pad, Math.min(ww - 1 + pad, (int) fx));
                    int y0 = Math.max(-pad, Math.min(hh - 1 + pad, (int) fy));
                    int xl = reflect(x0, ww, pad);
                    int xr = reflect(x0 + 1, ww, pad);
                    int yt = reflect(y0, hh, pad);
                    int yb = reflect(y0 + 1, hh, pad);
                    int tl = yt * ww + xl;
                    int tr = yt * ww + xr;
                    int bl = yb * ww + xl;
                    int br = yb * ww + xr;
                    double wtl = (1 - alpha) * (1 - beta);
                    double wtr = alpha * (1 - beta);
                    double wbl = (1 - alpha) * beta;
                    double wbr = alpha * beta;
                    int wi = wBase + t * lrPlane + lr;
                    double wt = weights[wi];
                    if (out != null) {
                        for (int ch = 0; ch < c; ch++) {
                            int p = hrBase + ch * hrPlane;
                            out[outBase + ch * lrPlane + lr] += wt * (wtl * hr[p + tl] + wtr * hr[p + tr]
                                    + wbl * hr[p + bl] + wbr * hr[p + br]);
                        }
                    } else {
                        double gw = 0;
                        double gx = 0;
                        double gy = 0;
                        for (int ch = 0; ch < c; ch++) {
                            int p = hrBase + ch * hrPlane;
                            double g = grad[outBase + ch * lrPlane + lr];
                            if (g == 0) {
                                continue;
                            }
                            double vtl = hr[p + tl];
                            double vtr = hr[p + tr];
                            double vbl = hr[p + bl];
                            double vbr = hr[p + br];
                            gw += g * (wtl * vtl + wtr * vtr + wbl * vbl + wbr * vbr);
                            gx += g * ((1 - beta) * (vtr - vtl) + beta * (vbr - vbl));
                            gy += g * ((1 - alpha) * (vbl - vtl) + alpha * (vbr - vtr));
                            double gwt = g * wt;
                            dHr[p + tl] += gwt * wtl;
                            dHr[p + tr] += gwt * wtr;
                            dHr[p + bl] += gwt * wbl;
                            dHr[p + br] += gwt * wbr;
                        }
                        dW[wi] = gw;
                        dOff[oBase + t * lrPlane + lr] = gx * wt * unit;
                        dOff[oBase + (taps + t) * lrPlane + lr] = gy * wt * unit;
                    }
                }
            }
        }
    }
}
