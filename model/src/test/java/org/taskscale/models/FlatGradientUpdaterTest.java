package org.taskscale.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

class FlatGradientUpdaterTest {
    /** A small EDSR (two blocks) with Adam: every parameter and Adam moment equal to DL4J's own updater's, step by step. */
    @Test
    void updatesEqualDl4jsOwnAndTakeTheStandardPath() {
        ModelConfig m = ModelConfig.defaults("edsr").withLayout(CNN2DFormat.NHWC).withColors(3)
.withSize(8, 2);
        ComputationGraph stock = ModelRegistry.build(m, new Adam(1e-3));
        ComputationGraph flat = ModelRegistry.build(m, new Adam(1e-3));
        assertEquals(stock.params(), flat.params());
        FlatGradientUpdater updater = (FlatGradientUpdater) FlatGradientUpdater.install(flat).getUpdater();
        assertSame(updater, FlatGradientUpdater.install(flat).getUpdater(), "installing twice keeps the one updater");
        Nd4j.getRandom().setSeed(3);
        for (int step = 0; step < 3; step++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 2, 12, 12, 3);
            INDArray y = Nd4j.rand(DataType.FLOAT, 2, 24, 24, 3);
            MultiDataSet ds = new MultiDataSet(new INDArray[] {x}, new INDArray[] {y});
            stock.fit(ds);
            flat.fit(ds);
            assertTrue(updater.lastUpdateWasInPlace(), "step " + step + " went the external-gradient path");
            assertEquals(stock.params(), flat.params(), "parameters after step " + step);
            assertEquals(stock.getUpdater().getStateViewArray(), flat.getUpdater().getStateViewArray());
        }
        assertFalse(stock.getUpdater() instanceof FlatGradientUpdater);
    }
}
