package org.taskscale.image;

import java.util.Arrays;

/**
 * A decoded image: planar float samples in channel-height-width (CHW) order, on the 8-bit scale
 * (0 = black, 255 = white; samples from 16-bit sources keep their fractional part).
 *
 * <p>Channel counts: 1 (grey) or 3 (RGB, sRGB). Alpha never reaches this type: decoders composite it
 * on white. Samples may leave [0, 255] after filtering (bicubic overshoot); encoders round and clamp.
 */
public final class Image {
    private final int channels;
    private final int height;
    private final int width;
    private final float[] data;

    /** Wraps {@code data} (not copied), which must hold {@code channels * height * width} samples in CHW order. */
    public Image(int channels, int height, int width, float[] data) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("An image has 1 or 3 channels, not " + channels + ".");
        }
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("An image needs a positive size, not " + width + "x" + height + ".");
        }
        if (data.length != (long) channels * height * width) {
            throw new IllegalArgumentException("Expected " + ((long) channels * height * width)
                    + " samples for " + channels + "x" + height + "x" + width + ", got " + data.length + ".");
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.data = data;
    }

    /** A new image of the given shape with every sample zero. */
    public static Image zeros(int channels, int height, int width) {
        return new Image(channels, height, width, new float[channels * height * width]);
    }

    public int channels() { return channels; }
    public int height() { return height; }
    public int width() { return width; }
    public long pixels() { return (long) height * width; }

    /** The backing array (CHW), shared, not copied. */
    public float[] data() { return data; }

    public float get(int c, int y, int x) { return data[(c * height + y) * width + x]; }

    public void set(int c, int y, int x, float v) { data[(c * height + y) * width + x] = v; }

    /** Offset of the first sample of channel {@code c} in {@link #data()}. */
    public int planeOffset(int c) { return c * height * width; }

    public Image copy() { return new Image(channels, height, width, data.clone()); }

    /** This image with three channels: grey is repeated, RGB returned as is. */
    public Image toRgb() {
        if (channels == 3) {
            return this;
        }
        int n = height * width;
        float[] out = new float[3 * n];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(data, 0, out, c * n, n);
        }
        return new Image(3, height, width, out);
    }

    /** The rectangle {@code [y, y + h) x [x, x + w)}, copied. */
    public Image crop(int y, int x, int h, int w) {
        if (y < 0 || x < 0 || h <= 0 || w <= 0 || y + h > height || x + w > width) {
            throw new IllegalArgumentException("Crop " + w + "x" + h + " at (" + x + ", " + y
                    + ") does not fit in a " + width + "x" + height + " image.");
        }
        float[] out = new float[channels * h * w];
        for (int c = 0; c < channels; c++) {
            for (int r = 0; r < h; r++) {
                System.arraycopy(data, (c * height + y + r) * width + x, out, (c * h + r) * w, w);
            }
        }
        return new Image(channels, h, w, out);
    }

    /** Crops the bottom and right edges so that both sides are multiples of {@code m} (the SR benchmark "modcrop"). */
    public Image modCrop(int m) {
        int h = height - height % m;
        int w = width - width % m;
        if (h == height && w == width) {
            return this;
        }
        return crop(0, 0, h, w);
    }

    /** This image with every sample rounded half away from zero and clamped to [0, 255], as an 8-bit encoder stores it. */
    public Image quantized8() {
        float[] out = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = quantize8(data[i]);
        }
        return new Image(channels, height, width, out);
    }

    /** The samples of {@code img} as 8-bit levels ({@link #quantize8} of each), in the same plane order. */
    public static byte[] planes8(Image img) {
        byte[] out = new byte[img.data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (int) quantize8(img.data[i]);
        }
        return out;
    }

    /** Rounds half away from zero (MATLAB's uint8 cast) and clamps to [0, 255]. */
    public static float quantize8(float v) {
        if (!(v > 0f)) {
            return 0f;  // also NaN
        }
        if (v >= 255f) {
            return 255f;
        }
        return (float) Math.floor(v + 0.5f);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Image other && other.channels == channels && other.height == height
                && other.width == width && Arrays.equals(other.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * channels + height) + width) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Image[" + channels + "x" + height + "x" + width + "]";
    }
}
