package org.taskscale.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The ND4J-op formulation the benchmark compares against computes what the layer's loops compute. */
class ResamplerBenchTest {
    @Test
    void bothFormulationsAgree() {
        for (int scale : new int[] {2, 4}) {
            ResamplerBench.Result r = ResamplerBench.run(2, 8 * scale, scale, 1);
            assertTrue(r.maxDiff() < 1e-4, "x" + scale + ": the ND4J-op forward differs by " + r.maxDiff());
        }
    }
}
