package org.taskscale.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.taskscale.degrade.QualityRange;
import org.taskscale.models.ModelConfig;
import org.taskscale.models.ModelRegistry;

/**
 * How a run starts. {@code train --load} into the configured network: a robust rescaler (lr-jpeg, no parameters of
 * its own) takes a plain rescaler's weights and then computes the plain one's outputs outside training; a network
 * with other shapes takes nothing. A resumed run whose configuration changed the learning-rate schedule says that
 * the checkpoint's schedule goes on.
 */
class RunStartTest {
    private static final ModelConfig PLAIN = ModelConfig.defaults("aetad-skip").withSize(8, 1).withScale(2);

    @Test
    void robustRescalerTakesPlainWeightsAndAgreesOutsideTraining() {
        ComputationGraph plain = ModelRegistry.build(PLAIN);
        Nd4j.getRandom().setSeed(7);
        plain.params().assign(Nd4j.rand(plain.params().dataType(), plain.params().shape()).subi(0.5).muli(0.2));
        ComputationGraph robust = ModelRegistry.build(PLAIN.withLrJpeg(new QualityRange(30, 95)));
        assertNotEquals(plain.params(), robust.params());

        assertTrue(WeightTransfer.into(plain, robust));
        assertEquals(plain.params(), robust.params());
        INDArray x = Nd4j.rand(plain.params().dataType(), 1, 24, 24, 3);
        INDArray[] a = plain.output(x);
        INDArray[] b = robust.output(x);
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], "output " + i);
        }
    }

    @Test
    void aFrozenLayerSplitsTheUpdaterSoItsStateStartsAfreshInsteadOfGoingNaN() {
        ComputationGraph plain = ModelRegistry.build(PLAIN, new org.nd4j.linalg.learning.config.Adam(1e-3));
        INDArray x = Nd4j.rand(plain.params().dataType(), 2, 24, 24, 3);
        INDArray lr = Nd4j.rand(plain.params().dataType(), 2, 12, 12, 3);
        for (int i = 0; i < 3; i++) {
            plain.fit(new INDArray[] {x}, new INDArray[] {lr, x});
        }
        ComputationGraph robust = ModelRegistry.build(PLAIN.withLrJpeg(new QualityRange(30, 95)),
                new org.nd4j.linalg.learning.config.Adam(1e-3), java.util.Map.of("down1_conv1", 0.0, "down1_out", 0.0));
        assertTrue(WeightTransfer.into(plain, robust));
        INDArray frozen = robust.getLayer("down1_conv1").params().dup();
        robust.fit(new INDArray[] {x}, new INDArray[] {lr, x});
        assertFalse(robust.params().isNaN().any(), "NaN parameters after one step");
        assertEquals(frozen, robust.getLayer("down1_conv1").params());
    }

    @Test
    void otherShapesTakeNothing() {
        ComputationGraph x2 = ModelRegistry.build(PLAIN);
        ComputationGraph wider = ModelRegistry.build(PLAIN.withSize(16, 1));
        INDArray before = wider.params().dup();
        assertFalse(WeightTransfer.into(x2, wider));
        assertEquals(before, wider.params());
        ComputationGraph x4 = ModelRegistry.build(PLAIN.withScale(4));
        assertFalse(WeightTransfer.into(x2, x4));
    }

    @Test
    void aResumeUnderAnotherLearningRateSaysTheCheckpointsScheduleGoesOn() {
        java.util.Map<String, String> o = new java.util.HashMap<>();
        o.put("taskscale.train.learning-rate", "2e-4");
        String before = org.taskscale.config.TaskscaleConfig.render(TrainJobTest.config(o), false);
        TrainState resumed = TrainState.start("h").advanced(8, 128);
        assertEquals(null, TrainJob.keptSchedule(before, TrainJobTest.config(o), resumed));
        o.put("taskscale.train.learning-rate", "1e-3");
        String note = TrainJob.keptSchedule(before, TrainJobTest.config(o), resumed);
        assertTrue(note != null && note.contains("taskscale.train.learning-rate 2.0E-4 -> 0.001"), note);
        assertEquals(null, TrainJob.keptSchedule(before, TrainJobTest.config(o), TrainState.start("h")));
    }
}
