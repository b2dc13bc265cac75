package org.taskscale.tiles;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import org.taskscale.data.Planes;
import org.taskscale.image.Image;

/**
 * An 8-bit image filled tile by tile: grey, or interleaved BGR, the memory layout of a {@link BufferedImage} of
 * type {@code TYPE_BYTE_GRAY} / {@code TYPE_3BYTE_BGR}, which wraps it without a copy. A whole 8000x6000 output is
 * 144 MB here instead of 576 MB as floats.
 */
public final class Raster8 {
    private final BufferedImage image;
    private final byte[] data;
    private final int channels;

    public Raster8(int channels, int height, int width) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("An 8-bit raster has 1 or 3 channels, not " + channels + ".");
        }
        this.channels = channels;
        this.image = new BufferedImage(width, height, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY
                : BufferedImage.TYPE_3BYTE_BGR);
        this.data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    }

    public int channels() { return channels; }
    public int height() { return image.getHeight(); }
    public int width() { return image.getWidth(); }

    /** The raster as an image ImageIO can write (no copy). */
    public BufferedImage bufferedImage() {
        return image;
    }

    /** Stores 0..255 samples (CHW planes, RGB order) at row {@code y}, column {@code x}, rounded and clamped. */
    public void put(int y, int x, Planes samples255) {
        put(y, x, samples255, 1f);
    }

    /** Stores network units (0..1) at row {@code y}, column {@code x}. */
    public void putUnits(int y, int x, Planes units) {
        put(y, x, units, 255f);
    }

    private void put(int y, int x, Planes p, float factor) {
        if (p.channels() != channels) {
            throw new IllegalArgumentException("A " + channels + "-channel raster cannot take " + p.channels()
                    + " planes.");
        }
        int h = p.height();
        int w = p.width();
        int hw = h * w;
        int width = width();
        float[] d = p.data();
        for (int r = 0; r < h; r++) {
            int row = ((y + r) * width + x) * channels;
            for (int c = 0; c < channels; c++) {
                int dstChannel = channels == 1 ? 0 : 2 - c; // BGR
                int src = c * hw + r * w;
                for (int k = 0; k < w; k++) {
                    data[row + k * channels + dstChannel] = (byte) Math.round(Image.quantize8(d[src + k] * factor));
                }
            }
        }
    }

    /** The raster as a float image (0..255), for scoring. */
    public Image toImage() {
        int h = height();
        int w = width();
        int n = h * w;
        float[] out = new float[channels * n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels; c++) {
                int src = channels == 1 ? 0 : 2 - c;
                out[c * n + i] = data[i * channels + src] & 0xff;
            }
        }
        return new Image(channels, h, w, out);
    }
}
