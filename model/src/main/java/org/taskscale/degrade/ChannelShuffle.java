package org.taskscale.degrade;

import java.util.SplittableRandom;

/** A random permutation of the RGB planes (Fisher-Yates), another colour augmentation for few photos. */
public final class ChannelShuffle {
    private ChannelShuffle() {}

    /** Which source plane each output plane takes; the identity (and nothing drawn) when {@code on} is false. */
    public static int[] planes(boolean on, SplittableRandom rng) {
        int[] plane = {0, 1, 2};
        if (on) {
            for (int k = 2; k > 0; k--) {
                int j = rng.nextInt(k + 1);
                int t = plane[k];
                plane[k] = plane[j];
                plane[j] = t;
            }
        }
        return plane;
    }
}
