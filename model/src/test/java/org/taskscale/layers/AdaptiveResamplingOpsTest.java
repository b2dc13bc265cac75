package org.taskscale.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The resampler's ND4J-op path (the one GPUs run) against its loops (the CPU's): the same outputs and the same
 * gradients for all three inputs within 1e-5 in float, at CAR's x2 and x4 kernels, with offsets that reach past
 * the border, and through the vertex with softmax weights and both offset regularisers in both layouts.
 */
class AdaptiveResamplingOpsTest {
    @AfterEach
    void restorePath() {
        AdaptiveResample.Path.use(null);
    }

    @ParameterizedTest(name = "x{0}, {1}")
    @CsvSource({"2, FLOAT, 1e-5", "4, FLOAT, 1e-5", "2, DOUBLE, 1e-11", "4, DOUBLE, 1e-11"})
    void opsEqualLoops(int scale, DataType dt, double tolerance) {
        int k = 3 * scale + 1;
        AdaptiveResampling.Shape s = new AdaptiveResampling.Shape(2, 3, 8 * scale, 6 * scale, k, scale, scale);
        Random r = new Random(5 + scale);
        int plane = s.lrHeight() * s.lrWidth();
        double[] img = AdaptiveResamplingTest.random(2 * 3 * s.height() * s.width(), r, 0, 1);
        double[] w = AdaptiveResamplingTest.random(2 * k * k * plane, r, 0, 2.0 / (k * k));
        double[] off = AdaptiveResamplingTest.random(2 * 2 * k * k * plane, r, -1.2, 1.2);  // past tanh's range too
        double[] g = AdaptiveResamplingTest.random(2 * 3 * plane, r, -1, 1);
        double[] out = AdaptiveResampling.forward(s, img, w, off);
        double[][] grads = AdaptiveResampling.backward(s, img, w, off, g);

        INDArray hrA = Nd4j.create(img, new long[] {2, 3, s.height(), s.width()}, 'c').castTo(dt);
        INDArray wA = Nd4j.create(w, new long[] {2, k * k, s.lrHeight(), s.lrWidth()}, 'c').castTo(dt);
        INDArray offA = Nd4j.create(off, new long[] {2, 2 * k * k, s.lrHeight(), s.lrWidth()}, 'c').castTo(dt);
        INDArray gA = Nd4j.create(g, new long[] {2, 3, s.lrHeight(), s.lrWidth()}, 'c').castTo(dt);
        assertClose("output", out, AdaptiveResamplingOps.forward(s, hrA, wA, offA), tolerance);
        INDArray[] opGrads = AdaptiveResamplingOps.backward(s, hrA, wA, offA, gA);
        String[] names = {"image gradient", "weight gradient", "offset gradient"};
        for (int i = 0; i < 3; i++) {
            assertClose(names[i], grads[i], opGrads[i], tolerance);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"NCHW", "NHWC"})
    void theVertexGivesTheSameOutputAndInputGradientsOnBothPaths(CNN2DFormat format) {
        int k = 7;
        AdaptiveResample conf = new AdaptiveResample(k, 2, 2, true, format, 0.3, 0.2);
        Nd4j.getRandom().setSeed(3);
        boolean nhwc = format == CNN2DFormat.NHWC;
        INDArray hr = Nd4j.rand(DataType.FLOAT, shape(nhwc, 2, 3, 12, 10));
        INDArray w = Nd4j.randn(DataType.FLOAT, shape(nhwc, 2, k * k, 6, 5));
        INDArray off = Nd4j.rand(DataType.FLOAT, shape(nhwc, 2, 2 * k * k, 6, 5)).subi(0.5).muli(2);
        INDArray eps = Nd4j.randn(DataType.FLOAT, shape(nhwc, 2, 3, 6, 5));

        INDArray[][] results = new INDArray[2][];
        for (AdaptiveResample.Path path : AdaptiveResample.Path.values()) {
            AdaptiveResample.Path.use(path);
            AdaptiveResample.Runtime v = new AdaptiveResample.Runtime(null, "resample", 0, DataType.FLOAT, conf);
            v.setInputs(new INDArray[] {hr, w, off});
            INDArray out = v.doForward(true, LayerWorkspaceMgr.noWorkspaces()).dup();
            v.setEpsilon(eps);
            INDArray[] g = v.doBackward(false, LayerWorkspaceMgr.noWorkspaces()).getSecond();
            results[path.ordinal()] = new INDArray[] {out, g[0].dup(), g[1].dup(), g[2].dup()};
        }
        String[] names = {"output", "image gradient", "logit gradient", "offset gradient (with both regularisers)"};
        for (int i = 0; i < 4; i++) {
            INDArray loops = results[AdaptiveResample.Path.LOOPS.ordinal()][i];
            INDArray ops = results[AdaptiveResample.Path.OPS.ordinal()][i];
            assertArrayEquals(loops.shape(), ops.shape(), names[i]);
            assertClose(names[i], loops.castTo(DataType.DOUBLE).dup('c').data().asDouble(), ops, 1e-5);
            assertTrue(loops.norm2Number().doubleValue() > 1e-3, names[i] + " is not all zero");
        }
    }

    private static long[] shape(boolean nhwc, long n, long c, long h, long w) {
        return nhwc ? new long[] {n, h, w, c} : new long[] {n, c, h, w};
    }

    private static void assertClose(String what, double[] expected, INDArray actual, double tolerance) {
        double[] a = actual.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        assertTrue(expected.length == a.length, what + ": " + a.length + " values, not " + expected.length);
        double max = 0;
        int at = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - expected[i]);
            if (d > max) {
                max = d;
                at = i;
            }
        }
        assertTrue(max <= tolerance, what + ": ops differ from the loops by " + max + " at " + at + " (" + a[at] + " vs "
                + expected[at] + ")");
    }
}
