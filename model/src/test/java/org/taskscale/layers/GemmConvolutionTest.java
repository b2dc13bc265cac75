package org.taskscale.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The matrix-product convolutions ({@link GemmConvolution}: NHWC 1x1 layers, layers with few output channels, a
 * first layer's weight gradient from im2col) against double-precision gradient checks and against the same
 * network in NCHW, which runs every layer on libnd4j's conv2d ops.
 */
class GemmConvolutionTest {
    private static final CNN2DFormat HW = CNN2DFormat.NHWC;

    /** SRCNN's pattern on an odd-sized input: 5x5 first layer, 1x1, 5x5 to few channels. */
    private static MultiLayerNetwork srcnnLike(int channels, CNN2DFormat f, boolean bias) {
        return GradientChecks.network(InputType.convolutional(7, 6, channels, f),
                new Conv2D.Builder(5, 5).firstLayer(true).nOut(5).convolutionMode(ConvolutionMode.Same).dataFormat(f)
                        .hasBias(bias).activation(Activation.TANH).build(),
                new Conv2D.Builder(1, 1).nOut(4).dataFormat(f).hasBias(bias).activation(Activation.SIGMOID).build(),
                new Conv2D.Builder(3, 5).nOut(2).convolutionMode(ConvolutionMode.Truncate).padding(1, 2).dataFormat(f)
                        .hasBias(bias).activation(Activation.IDENTITY).build());
    }

    @Test
    void layersChooseTheirProductForm() {
        Conv2D pointwise = (Conv2D) new Conv2D.Builder(1, 1).nIn(64).nOut(32).dataFormat(HW).build();
        Conv2D fewOut = (Conv2D) new Conv2D.Builder(5, 5).nIn(32).nOut(1).convolutionMode(ConvolutionMode.Same).dataFormat(HW).build();
        Conv2D wide = (Conv2D) new Conv2D.Builder(3, 3).nIn(64).nOut(64).convolutionMode(ConvolutionMode.Same).dataFormat(HW).build();
        Conv2D strided = (Conv2D) new Conv2D.Builder(3, 3).nIn(64).nOut(1).stride(2, 2).convolutionMode(ConvolutionMode.Same)
                .dataFormat(HW).build();
        Conv2D nchw = (Conv2D) new Conv2D.Builder(1, 1).nIn(64).nOut(32).build();
        Conv2D first = (Conv2D) new Conv2D.Builder(9, 9).firstLayer(true).nIn(1).nOut(64).convolutionMode(ConvolutionMode.Same)
                .dataFormat(HW).build();
        assertEquals(GemmConvolution.Kind.POINTWISE, GemmConvolution.forLayer(pointwise).kind());
        assertEquals(GemmConvolution.Kind.OUTPUT_COLUMNS, GemmConvolution.forLayer(fewOut).kind());
        assertNull(GemmConvolution.forLayer(wide));
        assertNull(GemmConvolution.forLayer(strided));
        assertNull(GemmConvolution.forLayer(nchw));
        assertNull(GemmConvolution.forLayer(first));
        assertTrue(GemmConvolution.firstLayerWeightGradient(first));
        assertTrue(!GemmConvolution.firstLayerWeightGradient(wide));
    }

    @Test
    void gradientChecksPass() {
        for (int channels : new int[] {1, 3}) {
            for (boolean bias : new boolean[] {true, false}) {
                MultiLayerNetwork net = srcnnLike(channels, HW, bias);
                INDArray in = GradientChecks.rand(3, 7, 6, channels);
                GradientChecks.check(net, in, GradientChecks.rand(net.output(in).shape()));
            }
        }
    }

    @Test
    void equalToLibnd4jConvolutionsInNchw() {
        for (int channels : new int[] {1, 3}) {
            MultiLayerNetwork nhwc = srcnnLike(channels, HW, true);
            MultiLayerNetwork nchw = srcnnLike(channels, CNN2DFormat.NCHW, true);
            nhwc.setParams(nchw.params().dup());
            INDArray in = GradientChecks.rand(2, channels, 7, 6);
            INDArray labels = GradientChecks.rand(2, 2, 7, 6);
            INDArray outHw = nhwc.output(in.permute(0, 2, 3, 1).dup());
            assertTrue(nchw.output(in).permute(0, 2, 3, 1).equalsWithEps(outHw, 1e-12));
            GradientChecks.assertSameGradientsAcrossLayouts(nchw, nhwc, in, labels);
        }
    }

    /** Inputs whose column matrices would exceed the limit (a whole photo) fall back to libnd4j's convolutions. */
    @Test
    void largeInputsFallBackToLibnd4jAndAgree() {
        MultiLayerNetwork nhwc = srcnnLike(1, HW, true);
        MultiLayerNetwork nchw = srcnnLike(1, CNN2DFormat.NCHW, true);
        nhwc.setParams(nchw.params().dup());
        INDArray in = GradientChecks.rand(2, 1, 7, 6);
        long saved = GemmConvolution.maxColumnElements;
        try {
            GemmConvolution.maxColumnElements = 100;  // below every layer's columns here
            INDArray out = nhwc.output(in.permute(0, 2, 3, 1).dup());
            assertTrue(nchw.output(in).permute(0, 2, 3, 1).equalsWithEps(out, 1e-12));
            GradientChecks.assertSameGradientsAcrossLayouts(nchw, nhwc, in, GradientChecks.rand(2, 2, 7, 6));
        } finally {
            GemmConvolution.maxColumnElements = saved;
        }
    }

    @Test
    void floatMatchesDouble() {
        Conv2DTest.assertFloatMatchesDouble(srcnnLike(1, HW, true), GradientChecks.rand(4, 7, 6, 1));
    }

    @Test
    void columnRowsAreShiftedImagesWithZeroPadding() {
        // one 2x3 image 1..6, 3x3 kernel: row (i, j) is the image shifted by (i - 1, j - 1)
        INDArray image = org.nd4j.linalg.factory.Nd4j.createFromArray(1.0, 2, 3, 4, 5, 6).reshape(1, 6);
        ConvColumns.Grid g = new ConvColumns.Grid(1, 2, 3, 3, 3);
        INDArray rows = ConvColumns.shiftedRows(image, g, 1);
        assertArrayEquals(new long[] {9, 6}, rows.shape());
        assertArrayEquals(new double[] {0, 0, 0, 0, 1, 2}, rows.getRow(0).toDoubleVector(), 0);  // (i, j) = (0, 0)
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, rows.getRow(4).toDoubleVector(), 0);
        assertArrayEquals(new double[] {5, 6, 0, 0, 0, 0}, rows.getRow(8).toDoubleVector(), 0);
        assertArrayEquals(new double[] {5, 6, 0, 0, 0, 0}, ConvColumns.shiftedRows(image, g, -1).getRow(0).toDoubleVector(), 0);
        // the adjoint: <shiftedRows(a, -1), b> = <a, sumShiftedRows(b)>
        INDArray b = GradientChecks.rand(9, 6);
        double left = ConvColumns.shiftedRows(image, g, -1).mul(b).sumNumber().doubleValue();
        double right = image.mul(ConvColumns.sumShiftedRows(b, g)).sumNumber().doubleValue();
        assertEquals(left, right, 1e-12);
    }
}
