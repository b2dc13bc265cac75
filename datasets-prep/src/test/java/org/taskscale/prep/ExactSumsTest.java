package org.taskscale.prep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** The manifest's channel sums: the same value in any order of adding and merging, where doubles differ. */
class ExactSumsTest {
    @Test
    void sumsDoNotDependOnTheOrderTasksFinishIn() {
        double[][] parts = {{1e16, 0.1}, {1.0, 0.2}, {-1e16, 0.3}};
        // plain doubles: (1e16 + 1) - 1e16 = 0 (1 is lost below 1e16's last digit), 1e16 - 1e16 + 1 = 1
        assertNotEquals((parts[0][0] + parts[1][0]) + parts[2][0], (parts[0][0] + parts[2][0]) + parts[1][0]);
        ExactSums forward = new ExactSums(2);
        for (double[] p : parts) {
            forward.add(p);
        }
        ExactSums a = new ExactSums(2);
        a.add(parts[2]);
        ExactSums b = new ExactSums(2);
        b.add(parts[1]);
        b.add(parts[0]);
        ExactSums merged = a.copy();
        merged.merge(b);
        assertArrayEquals(new double[] {1.0, 0.6}, forward.value(), 0.0);  // summed exactly, rounded once
        assertArrayEquals(forward.value(), merged.value(), 0.0);
        assertArrayEquals(new double[] {0.5, 0.3}, merged.mean(2), 0.0);
    }
}
