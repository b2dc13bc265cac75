package org.taskscale.degrade;

import java.util.SplittableRandom;

/**
 * A random colour cast: each RGB plane multiplied by a gain drawn from {@code [1 - strength, 1]}, teaching colour
 * to models trained on few (or grey) photos.
 */
public final class ColorCast {
    private ColorCast() {}

    /** The three gains of one draw; all 1 (and nothing drawn) when {@code strength} is 0. */
    public static float[] gains(double strength, SplittableRandom rng) {
        float[] gain = {1f, 1f, 1f};
        if (strength > 0) {
            for (int k = 0; k < 3; k++) {
                gain[k] = (float) (1 - strength * rng.nextDouble());
            }
        }
        return gain;
    }
}
