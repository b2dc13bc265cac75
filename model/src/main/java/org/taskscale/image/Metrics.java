package org.taskscale.image;

/**
 * Image-quality metrics with the SR / restoration evaluation protocol: PSNR and SSIM on the BT.601 Y
 * plane ({@link ColorSpaces#luma}) with {@code shave} border pixels removed, data range 255, computed in
 * double on unrounded samples.
 *
 * <ul>
 *   <li>SSIM follows Wang et al. 2004 as scikit-image's {@code structural_similarity(gaussian_weights=True,
 *       sigma=1.5, use_sample_covariance=False, data_range=255)}: an 11x11 Gaussian window (sigma 1.5,
 *       normalised), K1 = 0.01, K2 = 0.03, statistics over the valid region, mean of the SSIM map.</li>
 *   <li>PSNR-B (Yim and Bovik 2011) adds the blocking-effect factor of the test image on 8x8 blocks to the
 *       MSE.</li>
 * </ul>
 * PSNR of identical images is {@code Double.POSITIVE_INFINITY}.
 */
public final class Metrics {
    private Metrics() {}

    private static final double PEAK = 255.0;

    /** PSNR on the Y plane with {@code shave} pixels removed from every border. */
    public static double psnrY(Image ref, Image test, int shave) {
        Image[] p = pair(ref, test);
        return psnr(ColorSpaces.luma(p[0]), ColorSpaces.luma(p[1]), shave);
    }

    /** PSNR over all channels (RGB, or the single grey channel) with {@code shave} pixels removed. */
    public static double psnrRgb(Image ref, Image test, int shave) {
        Image[] p = pair(ref, test);
        return psnr(p[0], p[1], shave);
    }

    /** SSIM on the Y plane with {@code shave} pixels removed. */
    public static double ssimY(Image ref, Image test, int shave) {
        Image[] p = pair(ref, test);
        Image y0 = shaved(ColorSpaces.luma(p[0]), shave);
        Image y1 = shaved(ColorSpaces.luma(p[1]), shave);
        return ssim(y0.data(), y1.data(), y0.height(), y0.width());
    }

    /** PSNR-B on the Y plane with {@code shave} pixels removed (the JPEG protocol uses 0). */
    public static double psnrBY(Image ref, Image test, int shave) {
        Image[] p = pair(ref, test);
        Image y0 = shaved(ColorSpaces.luma(p[0]), shave);
        Image y1 = shaved(ColorSpaces.luma(p[1]), shave);
        double mse = mse(y0.data(), y1.data());
        double bef = blockingEffectFactor(y1.data(), y1.height(), y1.width(), 8);
        return toPsnr(mse + bef);
    }

    /** PSNR of two images of the same shape. */
    public static double psnr(Image ref, Image test, int shave) {
        Image a = shaved(ref, shave);
        Image b = shaved(test, shave);
        if (a.channels() != b.channels()) {
            throw new IllegalArgumentException("PSNR needs equal channel counts, not " + a.channels() + " and "
                    + b.channels() + ".");
        }
        return toPsnr(mse(a.data(), b.data()));
    }

    static double toPsnr(double mse) {
        return mse == 0 ? Double.POSITIVE_INFINITY : 10.0 * Math.log10(PEAK * PEAK / mse);
    }

    static double mse(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            s += d * d;
        }
        return s / a.length;
    }

    /** Both images with the same size (checked) and, if their channel counts differ, both as RGB. */
    private static Image[] pair(Image ref, Image test) {
        if (ref.height() != test.height() || ref.width() != test.width()) {
            throw new IllegalArgumentException("Cannot compare a " + ref.width() + "x" + ref.height()
                    + " image with a " + test.width() + "x" + test.height() + " one: sizes differ.");
        }
        if (ref.channels() != test.channels()) {
            return new Image[] {ref.toRgb(), test.toRgb()};
        }
        return new Image[] {ref, test};
    }

    /** The image without {@code shave} pixels on each side. */
    public static Image shaved(Image img, int shave) {
        if (shave < 0) {
            throw new IllegalArgumentException("The border to shave must be 0 or more pixels, not " + shave + ".");
        }
        if (shave == 0) {
            return img;
        }
        if (2 * shave >= img.height() || 2 * shave >= img.width()) {
            throw new IllegalArgumentException("Shaving " + shave + " pixels leaves nothing of a " + img.width() + "x"
                    + img.height() + " image.");
        }
        return img.crop(shave, shave, img.height() - 2 * shave, img.width() - 2 * shave);
    }

    private static final int SSIM_RADIUS = 5;  // int(3.5 * 1.5 + 0.5): scikit-image's truncate = 3.5
    private static final double[] SSIM_WINDOW = gaussian(1.5, SSIM_RADIUS);

    static double[] gaussian(double sigma, int radius) {
        double[] w = new double[2 * radius + 1];
        double s = 0;
        for (int i = -radius; i <= radius; i++) {
            w[i + radius] = Math.exp(-0.5 * i * i / (sigma * sigma));
            s += w[i + radius];
        }
        for (int i = 0; i < w.length; i++) {
            w[i] /= s;
        }
        return w;
    }

    /**
     * Mean SSIM of two planes (8-bit scale) over the valid region of the 11x11 Gaussian window. Streams over the
     * rows: the five horizontally filtered quantities of the last 11 rows are kept in a ring, so memory is
     * O(11 x width) whatever the image size; the sums are taken in the order of the two-pass separable filter
     * (rows, then columns), so the result does not depend on the streaming.
     */
    static double ssim(float[] x, float[] y, int h, int w) {
        int k = 2 * SSIM_RADIUS + 1;
        if (h < k || w < k) {
            throw new IllegalArgumentException("SSIM needs at least " + k + "x" + k + " pixels, not " + w + "x" + h + ".");
        }
        int vh = h - k + 1;
        int vw = w - k + 1;
        double[] g = SSIM_WINDOW;
        // ring[q][row % k]: horizontally filtered x, y, xx, yy, xy of one input row
        double[][][] ring = new double[5][k][vw];
        double[][] col = new double[5][vw];
        double c1 = Math.pow(0.01 * PEAK, 2);
        double c2 = Math.pow(0.03 * PEAK, 2);
        double sum = 0;
        for (int r = 0; r < h; r++) {
            filterRow(x, y, r * w, ring, r % k);
            int top = r - k + 1;
            if (top < 0) {
                continue;
            }
            for (double[] c : col) {
                java.util.Arrays.fill(c, 0.0);
            }
            for (int t = 0; t < k; t++) {
                double gt = g[t];
                int slot = (top + t) % k;
                for (int q = 0; q < 5; q++) {
                    double[] src = ring[q][slot];
                    double[] dst = col[q];
                    for (int i = 0; i < vw; i++) {
                        dst[i] += gt * src[i];
                    }
                }
            }
            for (int i = 0; i < vw; i++) {
                double ux = col[0][i];
                double uy = col[1][i];
                double vx = col[2][i] - ux * ux;
                double vy = col[3][i] - uy * uy;
                double vxy = col[4][i] - ux * uy;
                sum += ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
            }
        }
        return sum / ((double) vh * vw);
    }

    /** The valid horizontal Gaussian filter of one row of x, y, x*x, y*y and x*y into ring slot {@code slot}. */
    private static void filterRow(float[] x, float[] y, int ro, double[][][] ring, int slot) {
        double[] g = SSIM_WINDOW;
        int k = g.length;
        double[] fx = ring[0][slot];
        double[] fy = ring[1][slot];
        double[] fxx = ring[2][slot];
        double[] fyy = ring[3][slot];
        double[] fxy = ring[4][slot];
        for (int i = 0; i < fx.length; i++) {
            double sx = 0;
            double sy = 0;
            double sxx = 0;
            double syy = 0;
            double sxy = 0;
            for (int t = 0; t < k; t++) {
                double a = x[ro + i + t];
                double b = y[ro + i + t];
                double gt = g[t];
                sx += gt * a;
                sy += gt * b;
                sxx += gt * (a * a);
                syy += gt * (b * b);
                sxy += gt * (a * b);
            }
            fx[i] = sx;
            fy[i] = sy;
            fxx[i] = sxx;
            fyy[i] = syy;
            fxy[i] = sxy;
        }
    }

    /**
     * Yim and Bovik's blocking-effect factor: the excess of squared differences across block boundaries over
     * those inside blocks, weighted by log2(B) / log2(min(H, W)); zero when boundaries are no worse.
     */
    static double blockingEffectFactor(float[] img, int h, int w, int block) {
        double db = 0;
        double dbc = 0;
        long nb = 0;
        long nbc = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w - 1; x++) {
                double d = (double) img[y * w + x] - img[y * w + x + 1];
                if (x % block == block - 1) {
                    db += d * d;
                    nb++;
                } else {
                    dbc += d * d;
                    nbc++;
                }
            }
        }
        for (int y = 0; y < h - 1; y++) {
            boolean boundary = y % block == block - 1;
            for (int x = 0; x < w; x++) {
                double d = (double) img[y * w + x] - img[(y + 1) * w + x];
                if (boundary) {
                    db += d * d;
                    nb++;
                } else {
                    dbc += d * d;
                    nbc++;
                }
            }
        }
        if (nb == 0 || nbc == 0) {
            return 0;
        }
        db /= nb;
        dbc /= nbc;
        if (db <= dbc) {
            return 0;
        }
        double eta = Math.log(block) / Math.log(Math.min(h, w));
        return eta * (db - dbc);
    }
}
