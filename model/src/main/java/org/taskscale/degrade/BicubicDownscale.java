package org.taskscale.degrade;

import org.taskscale.image.Bicubic;
import org.taskscale.image.Image;

/** The LR image of the SR and rescaling literature: MATLAB's bicubic {@code imresize} by 1/scale, stored as 8 bits. */
public final class BicubicDownscale {
    private BicubicDownscale() {}

    /** {@code hr} (0..255, any size) reduced by {@code scale} and rounded to the 8-bit grid. */
    public static Image apply(Image hr, int scale) {
        return Bicubic.resize(hr, 1.0 / scale).quantized8();
    }
}
