package org.taskscale.degrade;

import java.io.Serializable;
import java.util.List;
import java.util.SplittableRandom;
import org.taskscale.image.Bicubic;
import org.taskscale.image.Image;

/**
 * Prep's random rescale of a whole photo: with probability {@code probability} the photo resized (MATLAB bicubic,
 * rounded to 8 bits) by a factor drawn from {@code factors}, unless that would make it smaller than {@code minSide};
 * otherwise the photo itself. Changes the content's scale (smooth or detailed), not the task's degradation.
 */
public record RandomRescale(double probability, List<Double> factors, int minSide) implements Serializable {
    /** The photo after one draw from {@code rng} (draws nothing when the probability is 0). */
    public Image apply(Image img, SplittableRandom rng) {
        if (probability > 0 && rng.nextDouble() < probability) {
            double f = factors.get(rng.nextInt(factors.size()));
            if (Math.ceil(f * img.height()) >= minSide && Math.ceil(f * img.width()) >= minSide) {
                return Bicubic.resize(img, f).quantized8();
            }
        }
        return img;
    }
}
