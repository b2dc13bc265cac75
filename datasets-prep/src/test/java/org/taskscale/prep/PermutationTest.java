package org.taskscale.prep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class PermutationTest {
    @Test
    void isABijectionOfEverySizeAndDependsOnTheSeed() {
        for (long n : new long[] {1, 2, 3, 7, 16, 17, 1000, 4097}) {
            Permutation p = new Permutation(n, 42);
            BitSet seen = new BitSet();
            for (long i = 0; i < n; i++) {
                long v = p.apply(i);
                assertTrue(v >= 0 && v < n, n + ": " + i + " -> " + v);
                assertTrue(!seen.get((int) v), n + ": " + v + " hit twice");
                seen.set((int) v);
            }
            assertEquals(n, seen.cardinality());
        }
        Permutation a = new Permutation(1000, 1);
        Permutation b = new Permutation(1000, 2);
        int same = 0;
        int fixed = 0;
        for (long i = 0; i < 1000; i++) {
            same += a.apply(i) == b.apply(i) ? 1 : 0;
            fixed += a.apply(i) == i ? 1 : 0;
        }
        assertTrue(same < 20 && fixed < 20, "seeds agree on " + same + ", fixed points " + fixed);
        assertNotEquals(a.apply(0), a.apply(1));
    }
}
