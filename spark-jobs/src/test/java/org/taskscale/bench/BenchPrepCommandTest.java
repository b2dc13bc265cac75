package org.taskscale.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchPrepCommandTest {
    @Test
    void benchPrepReadsLinuxCpuListsAsThePinningTargets() {
        assertEquals(List.of(0, 1), BenchPrepCommand.CpuPinning.cpuList("0-1"));
        assertEquals(List.of(2, 4, 5, 6, 9), BenchPrepCommand.CpuPinning.cpuList("2,4-6, 9"));
        assertEquals(List.of(7), BenchPrepCommand.CpuPinning.cpuList("7"));
    }
}
