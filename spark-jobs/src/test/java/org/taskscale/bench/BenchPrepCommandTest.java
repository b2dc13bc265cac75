package org.taskscale.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchPrepCommandTest {
    @Test
    void benchPrepReadsLinuxCpuListsAsThePinningTargets() {
        assertEquals(List.of(0, 1), CpuPinning.cpuList("0-1"));
        assertEquals(List.of(2, 4, 5, 6, 9), CpuPinning.cpuList("2,4-6, 9"));
        assertEquals(List.of(7), CpuPinning.cpuList("7"));
    }

    @Test
    void benchSparkFitsTheAveragingCostAsTheInterceptOfRoundTimeAgainstFrequency() {
        // rounds of f minibatches at 400 ms plus 250 ms of averaging
        double[] line = BenchCommand.leastSquares(List.of(new double[] {5, 2250}, new double[] {10, 4250},
                new double[] {20, 8250}));
        assertEquals(250, line[0], 1e-9);
        assertEquals(400, line[1], 1e-9);
    }
}
