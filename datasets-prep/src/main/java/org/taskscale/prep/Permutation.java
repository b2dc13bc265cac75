package org.taskscale.prep;

import java.io.Serializable;

/**
 * A pseudo-random bijection of {@code [0, n)}, computed for any element in O(1) without storing it: a
 * four-round Feistel network on the smallest even number of bits that covers n, with cycle walking back into
 * range. The prep job uses it to shuffle patches into minibatches without sorting them.
 */
public final class Permutation implements Serializable {
    private final long n;
    private final int halfBits;
    private final long mask;
    private final long seed;

    public Permutation(long n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("A permutation needs a positive size, not " + n + ".");
        }
        this.n = n;
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(n - 1));
        this.halfBits = (bits + 1) / 2;
        this.mask = (1L << halfBits) - 1;
        this.seed = seed;
    }

    /** The image of {@code i} (0 <= i < n). */
    public long apply(long i) {
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException(i + " is outside [0, " + n + ").");
        }
        long x = i;
        do {
            x = round(x);
        } while (x >= n);
        return x;
    }

    private long round(long x) {
        long left = x >>> halfBits;
        long right = x & mask;
        for (int r = 0; r < 4; r++) {
            long f = Hashing.mix(right ^ Hashing.combine(seed, r)) & mask;
            long next = left ^ f;
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }
}
