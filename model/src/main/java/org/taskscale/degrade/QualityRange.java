package org.taskscale.degrade;

import java.io.Serializable;
import java.util.SplittableRandom;

/** The JPEG quality of a patch: {@code min}, or drawn uniformly from {@code [min, max]} when {@code max > min}. */
public record QualityRange(int min, int max) implements Serializable {
    /** One patch's quality (draws nothing for a single quality). */
    public int draw(SplittableRandom rng) {
        return max > min ? min + rng.nextInt(max - min + 1) : min;
    }
}
