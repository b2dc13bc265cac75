package org.taskscale.degrade;

/**
 * The settings a task degrades a clean image with: its scale, the colour planes the model sees (1: Y of BT.601, 3:
 * RGB) and the JPEG quality.
 */
public record Degradation(int scale, int colors, int jpegQuality) {
    public Degradation {
        if (scale < 1 || (colors != 1 && colors != 3) || jpegQuality < 1 || jpegQuality > 100) {
            throw new IllegalArgumentException("A degradation needs scale >= 1, colors 1 or 3 and a JPEG quality"
                    + " in 1..100, not " + scale + ", " + colors + ", " + jpegQuality + ".");
        }
    }
}
