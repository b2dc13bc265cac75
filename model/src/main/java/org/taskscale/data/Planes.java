package org.taskscale.data;

/**
 * A stack of image planes in network units (CHW, float): what one example's input or label holds. Unlike
 * {@link org.taskscale.image.Image} any channel count is allowed (two for the ab planes of Lab).
 */
public record Planes(int channels, int height, int width, float[] data) {
    public Planes {
        if (channels < 1 || height < 1 || width < 1 || data.length != (long) channels * height * width) {
            throw new IllegalArgumentException("Planes " + channels + "x" + height + "x" + width + " need "
                    + ((long) channels * height * width) + " samples, got " + data.length + ".");
        }
    }

    /** The shape as {@code [C, H, W]}. */
    public long[] shape() {
        return new long[] {channels, height, width};
    }
}
