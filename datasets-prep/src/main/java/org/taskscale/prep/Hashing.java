package org.taskscale.prep;

import java.nio.charset.StandardCharsets;

/** Stable 64-bit hashes (the same on every JVM and run): FNV-1a of UTF-8 bytes, finished by SplitMix64. */
public final class Hashing {
    private Hashing() {}

    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    public static long of(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    public static long combine(long a, long b) {
        return mix(a * 0x9e3779b97f4a7c15L + b);
    }

    /** A uniform number in [0, 1) from a hash. */
    public static double unit(long h) {
        return (h >>> 11) * 0x1.0p-53;
    }
}
