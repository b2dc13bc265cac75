package org.taskscale.image;

/**
 * Colour conversions on the 8-bit scale.
 *
 * <ul>
 *   <li>YCbCr: ITU-R BT.601 studio range exactly as MATLAB's {@code rgb2ycbcr} / {@code ycbcr2rgb} for double
 *       input, scaled to 0..255: {@code Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255}, unrounded.</li>
 *   <li>Lab: CIE L*a*b* from sRGB with the D65 white point (2 degree observer), as scikit-image's
 *       {@code rgb2lab} / {@code lab2rgb} compute it.</li>
 * </ul>
 */
public final class ColorSpaces {
    private ColorSpaces() {}

    private static final double[][] YCBCR = {
        {65.481, 128.553, 24.966},
        {-37.797, -74.203, 112.0},
        {112.0, -93.786, -18.214}};
    private static final double[] YCBCR_OFFSET = {16, 128, 128};
    private static final double[][] YCBCR_INV = invert(YCBCR);

    /**
     * The Y (luma) plane of BT.601 as a one-channel image. A grey image is its own Y plane (as the SR
     * benchmark scripts treat grey test images), so it is returned unchanged.
     */
    public static Image luma(Image img) {
        if (img.channels() == 1) {
            return img;
        }
        int n = img.height() * img.width();
        float[] d = img.data();
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = (float) (16.0 + (65.481 * d[i] + 128.553 * d[n + i] + 24.966 * d[2 * n + i]) / 255.0);
        }
        return new Image(1, img.height(), img.width(), y);
    }

    /** RGB to YCbCr (BT.601 studio range), planes Y, Cb, Cr on the 8-bit scale. */
    public static Image rgbToYcbcr(Image rgb) {
        requireRgb(rgb);
        return affine(rgb, YCBCR, YCBCR_OFFSET, false);
    }

    /** The inverse of {@link #rgbToYcbcr}. */
    public static Image ycbcrToRgb(Image ycc) {
        requireRgb(ycc);
        return affine(ycc, YCBCR_INV, YCBCR_OFFSET, true);
    }

    private static Image affine(Image in, double[][] m, double[] offset, boolean inverse) {
        int n = in.height() * in.width();
        float[] s = in.data();
        float[] o = new float[3 * n];
        for (int i = 0; i < n; i++) {
            double a = s[i];
            double b = s[n + i];
            double c = s[2 * n + i];
            if (inverse) {
                a -= offset[0];
                b -= offset[1];
                c -= offset[2];
            }
            for (int k = 0; k < 3; k++) {
                double v = inverse
                        ? 255.0 * (m[k][0] * a + m[k][1] * b + m[k][2] * c)
                        : offset[k] + (m[k][0] * a + m[k][1] * b + m[k][2] * c) / 255.0;
                o[k * n + i] = (float) v;
            }
        }
        return new Image(3, in.height(), in.width(), o);
    }

    /** CIE Lab planes: L in [0, 100], a and b roughly in [-128, 127]. */
    public record Lab(int height, int width, float[] l, float[] a, float[] b) {}

    // scikit-image's sRGB (D65) matrix and white point
    private static final double[][] XYZ_FROM_RGB = {
        {0.412453, 0.357580, 0.180423},
        {0.212671, 0.715160, 0.072169},
        {0.019334, 0.119193, 0.950227}};
    private static final double[][] RGB_FROM_XYZ = invert(XYZ_FROM_RGB);
    private static final double[] WHITE_D65 = {0.95047, 1.0, 1.08883};

    /** sRGB (0..255) to CIE Lab. Grey input is treated as R = G = B. */
    public static Lab rgbToLab(Image img) {
        Image rgb = img.toRgb();
        int n = rgb.height() * rgb.width();
        float[] s = rgb.data();
        float[] l = new float[n];
        float[] a = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            double r = srgbToLinear(s[i] / 255.0);
            double g = srgbToLinear(s[n + i] / 255.0);
            double bl = srgbToLinear(s[2 * n + i] / 255.0);
            double fx = labF((XYZ_FROM_RGB[0][0] * r + XYZ_FROM_RGB[0][1] * g + XYZ_FROM_RGB[0][2] * bl) / WHITE_D65[0]);
            double fy = labF((XYZ_FROM_RGB[1][0] * r + XYZ_FROM_RGB[1][1] * g + XYZ_FROM_RGB[1][2] * bl) / WHITE_D65[1]);
            double fz = labF((XYZ_FROM_RGB[2][0] * r + XYZ_FROM_RGB[2][1] * g + XYZ_FROM_RGB[2][2] * bl) / WHITE_D65[2]);
            l[i] = (float) (116.0 * fy - 16.0);
            a[i] = (float) (500.0 * (fx - fy));
            b[i] = (float) (200.0 * (fy - fz));
        }
        return new Lab(rgb.height(), rgb.width(), l, a, b);
    }

    /** CIE Lab to sRGB (0..255), clipped to the gamut as scikit-image does. */
    public static Image labToRgb(Lab lab) {
        int n = lab.height() * lab.width();
        float[] o = new float[3 * n];
        for (int i = 0; i < n; i++) {
            double fy = (lab.l()[i] + 16.0) / 116.0;
            double fx = lab.a()[i] / 500.0 + fy;
            double fz = fy - lab.b()[i] / 200.0;
            if (fz < 0) {
                fz = 0;
            }
            double x = labFInverse(fx) * WHITE_D65[0];
            double y = labFInverse(fy) * WHITE_D65[1];
            double z = labFInverse(fz) * WHITE_D65[2];
            for (int k = 0; k < 3; k++) {
                double lin = RGB_FROM_XYZ[k][0] * x + RGB_FROM_XYZ[k][1] * y + RGB_FROM_XYZ[k][2] * z;
                double v = linearToSrgb(lin);
                o[k * n + i] = (float) (255.0 * Math.min(1.0, Math.max(0.0, v)));
            }
        }
        return new Image(3, lab.height(), lab.width(), o);
    }

    static double srgbToLinear(double c) {
        return c > 0.04045 ? Math.pow((c + 0.055) / 1.055, 2.4) : c / 12.92;
    }

    static double linearToSrgb(double c) {
        return c > 0.0031308 ? 1.055 * Math.pow(c, 1 / 2.4) - 0.055 : 12.92 * c;
    }

    private static double labF(double t) {
        return t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16.0 / 116.0;
    }

    private static double labFInverse(double f) {
        return f > 0.2068966 ? f * f * f : (f - 16.0 / 116.0) / 7.787;
    }

    private static void requireRgb(Image img) {
        if (img.channels() != 3) {
            throw new IllegalArgumentException("This conversion needs a 3-channel image, not " + img.channels() + ".");
        }
    }

    static double[][] invert(double[][] m) {
        double a = m[0][0], b = m[0][1], c = m[0][2];
        double d = m[1][0], e = m[1][1], f = m[1][2];
        double g = m[2][0], h = m[2][1], i = m[2][2];
        double det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
        return new double[][] {
            {(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det},
            {(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det},
            {(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det}};
    }
}
