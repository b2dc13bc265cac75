package org.taskscale.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The benchmark times two paths that compute the same LR image (the paths are compared in full in AdaptiveResamplingOpsTest). */
class ResamplerBenchTest {
    @Test
    void bothFormulationsAgree() {
        for (int scale : new int[] {2, 4}) {
            ResamplerBench.Result r = ResamplerBench.run(2, 8 * scale, scale, 1);
            assertTrue(r.maxDiff() < 1e-4, "x" + scale + ": the ND4J-op path differs by " + r.maxDiff());
        }
    }
}
