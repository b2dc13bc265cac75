package org.taskscale.degrade;

import org.taskscale.image.Image;
import org.taskscale.image.ImageEncoder;

/**
 * A libjpeg round trip at a quality (4:2:0 chroma for RGB, as libjpeg's defaults): the input of JPEG artifact
 * restoration. The byte form is the same round trip on 8-bit RGB planes, without a float copy (prep's fast path).
 */
public final class JpegCompression {
    private JpegCompression() {}

    /** {@code img} (0..255, 1 or 3 planes) encoded at {@code quality} and decoded again. */
    public static Image apply(Image img, int quality) {
        return ImageEncoder.jpegDegrade(img, quality);
    }

    /** {@link #apply} on RGB planes held as bytes ({@code [3, h, w]}); the same samples, as bytes. */
    public static byte[] applyRgb(byte[] planes, int height, int width, int quality) {
        return ImageEncoder.jpegDegradeRgb(planes, height, width, quality);
    }
}
