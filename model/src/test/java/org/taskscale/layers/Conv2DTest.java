package org.taskscale.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class Conv2DTest {

    @Test
    void gradientsSameModeStrideAndDilation() {
        MultiLayerNetwork net = GradientChecks.network(InputType.convolutional(9, 8, 2),
                new Conv2D.Builder(3, 3).nOut(3).convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build(),
                new Conv2D.Builder(3, 3).nOut(4).stride(2, 2).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.TANH).build(),
                new Conv2D.Builder(3, 2).nOut(2).dilation(2, 1).convolutionMode(ConvolutionMode.Truncate)
                        .padding(2, 1).hasBias(false).activation(Activation.IDENTITY).build());
        INDArray in = GradientChecks.rand(2, 2, 9, 8);
        INDArray out = net.output(in);
        GradientChecks.check(net, in, GradientChecks.rand(out.shape()));
    }

    @Test
    void firstLayerWeightGradientsWithoutInputGradient() {
        for (int channels : new int[] {1, 3}) {
            MultiLayerNetwork net = GradientChecks.network(InputType.convolutional(11, 10, channels),
                    new Conv2D.Builder(5, 5).firstLayer(true).nOut(4).convolutionMode(ConvolutionMode.Same)
                            .activation(Activation.TANH).build(),
                    new Conv2D.Builder(3, 3).nOut(2).convolutionMode(ConvolutionMode.Truncate).padding(1, 1)
                            .activation(Activation.IDENTITY).build());
            INDArray in = GradientChecks.rand(3, channels, 11, 10);
            INDArray labels = GradientChecks.rand(net.output(in).shape());
            GradientChecks.check(net, in, labels);
            // and the same weight gradients as the full conv2d_bp path
            MultiLayerNetwork full = GradientChecks.network(InputType.convolutional(11, 10, channels),
                    new Conv2D.Builder(5, 5).nOut(4).convolutionMode(ConvolutionMode.Same)
                            .activation(Activation.TANH).build(),
                    new Conv2D.Builder(3, 3).nOut(2).convolutionMode(ConvolutionMode.Truncate).padding(1, 1)
                            .activation(Activation.IDENTITY).build());
            full.setParams(net.params().dup());
            for (MultiLayerNetwork m : new MultiLayerNetwork[] {net, full}) {
                m.setInput(in);
                m.setLabels(labels);
                m.computeGradientAndScore();
            }
            assertTrue(net.gradient().gradient().equalsWithEps(full.gradient().gradient(), 1e-10));
        }
    }

    @Test
    void firstLayerNhwcMatchesNchw() {
        for (int channels : new int[] {1, 3}) {
            MultiLayerNetwork nchw = GradientChecks.network(InputType.convolutional(7, 6, channels),
                    new Conv2D.Builder(3, 3).firstLayer(true).nOut(4).convolutionMode(ConvolutionMode.Same)
                            .activation(Activation.TANH).build());
            MultiLayerNetwork nhwc = GradientChecks.network(InputType.convolutional(7, 6, channels, CNN2DFormat.NHWC),
                    new Conv2D.Builder(3, 3).firstLayer(true).nOut(4).convolutionMode(ConvolutionMode.Same)
                            .dataFormat(CNN2DFormat.NHWC).activation(Activation.TANH).build());
            nhwc.setParams(nchw.params().dup());
            INDArray in = GradientChecks.rand(2, channels, 7, 6);
            INDArray labels = GradientChecks.rand(2, 4, 7, 6);
            GradientChecks.assertSameGradientsAcrossLayouts(nchw, nhwc, in, labels);
        }
    }

    @Test
    void gradientsNhwc() {
        MultiLayerNetwork net = GradientChecks.network(InputType.convolutional(6, 7, 3, CNN2DFormat.NHWC),
                new Conv2D.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same).dataFormat(CNN2DFormat.NHWC)
                        .activation(Activation.SIGMOID).build(),
                new Conv2D.Builder(1, 1).nOut(2).dataFormat(CNN2DFormat.NHWC).activation(Activation.IDENTITY).build());
        INDArray in = GradientChecks.rand(3, 6, 7, 3);
        GradientChecks.check(net, in, GradientChecks.rand(net.output(in).shape()));
    }

    @Test
    void equalsTheBuiltInLayer() {
        ConvolutionLayer.Builder[] builtIn = {
            new ConvolutionLayer.Builder(5, 5).nOut(6).convolutionMode(ConvolutionMode.Same),
            new ConvolutionLayer.Builder(3, 3).nOut(4).stride(2, 2).padding(1, 1).convolutionMode(ConvolutionMode.Truncate)};
        ConvolutionLayer.Builder[] ours = {
            new Conv2D.Builder(5, 5).nOut(6).convolutionMode(ConvolutionMode.Same),
            new Conv2D.Builder(3, 3).nOut(4).stride(2, 2).padding(1, 1).convolutionMode(ConvolutionMode.Truncate)};
        MultiLayerNetwork a = GradientChecks.network(InputType.convolutional(12, 10, 3),
                builtIn[0].activation(Activation.RELU).build(), builtIn[1].activation(Activation.TANH).build());
        MultiLayerNetwork b = GradientChecks.network(InputType.convolutional(12, 10, 3),
                ours[0].activation(Activation.RELU).build(), ours[1].activation(Activation.TANH).build());
        b.setParams(a.params().dup());
        INDArray in = GradientChecks.rand(2, 3, 12, 10);
        INDArray labels = GradientChecks.rand(a.output(in).shape());
        assertTrue(a.output(in).equalsWithEps(b.output(in), 1e-12));
        a.setInput(in);
        a.setLabels(labels);
        b.setInput(in);
        b.setLabels(labels);
        a.computeGradientAndScore();
        b.computeGradientAndScore();
        Gradient ga = a.gradient();
        Gradient gb = b.gradient();
        assertTrue(ga.gradient().equalsWithEps(gb.gradient(), 1e-10), "gradients differ from the built-in layer");
        assertEquals(a.score(), b.score(), 1e-12);
    }

    @Test
    void serializationRoundTripIsExact() throws Exception {
        MultiLayerNetwork net = GradientChecks.network(InputType.convolutional(8, 8, 1),
                new Conv2D.Builder(3, 3).firstLayer(true).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build(),
                new Conv2D.Builder(3, 3).nOut(1).convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).build());
        String json = net.getLayerWiseConfigurations().toJson();
        assertEquals(net.getLayerWiseConfigurations(),
                org.deeplearning4j.nn.conf.MultiLayerConfiguration.fromJson(json));
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(
                new java.io.ByteArrayInputStream(bytes.toByteArray()), true);
        assertEquals(net.params(), back.params());
        INDArray in = GradientChecks.rand(2, 1, 8, 8);
        assertEquals(net.output(in), back.output(in));
        assertTrue(((Conv2D) back.getLayer(0).conf().getLayer()).isFirstLayer());
    }

    @Test
    void floatOneDnnPathMatchesDoubleReference() {
        assertFloatMatchesDouble(GradientChecks.network(InputType.convolutional(16, 16, 3),
                new Conv2D.Builder(3, 3).nOut(8).convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build(),
                new Conv2D.Builder(3, 3).nOut(3).convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).build()),
                GradientChecks.rand(4, 3, 16, 16));
    }

    /** Dilated 'same' convolutions run as undilated ones on polyphase components (oneDNN refuses them as such). */
    @Test
    void dilatedConvolutionIsExactGradientCheckedAndRunsInFloat() {
        for (org.deeplearning4j.nn.conf.CNN2DFormat f : org.deeplearning4j.nn.conf.CNN2DFormat.values()) {
            boolean hw = f == org.deeplearning4j.nn.conf.CNN2DFormat.NHWC;
            InputType type = InputType.convolutional(9, 7, 3, f);
            INDArray in = GradientChecks.rand(hw ? new long[] {2, 9, 7, 3} : new long[] {2, 3, 9, 7});
            for (int d : new int[] {2, 3}) {
                MultiLayerNetwork ours = GradientChecks.network(type, new Conv2D.Builder(3, 3).nOut(4).dilation(d, d)
                        .convolutionMode(ConvolutionMode.Same).dataFormat(f).activation(Activation.IDENTITY).build());
                MultiLayerNetwork builtIn = GradientChecks.network(type, new org.deeplearning4j.nn.conf.layers.ConvolutionLayer
                        .Builder(3, 3).nOut(4).dilation(d, d).convolutionMode(ConvolutionMode.Same).dataFormat(f)
                        .activation(Activation.IDENTITY).build());
                builtIn.setParams(ours.params().dup());
                INDArray a = ours.output(in);
                INDArray b = builtIn.output(in);
                assertTrue(a.equalsWithEps(b, 1e-10), f + " d=" + d + " differs from ConvolutionLayer by " + a.sub(b).amaxNumber());
                GradientChecks.check(ours, in, GradientChecks.rand(a.shape()));
                assertFloatMatchesDouble(ours, in);
            }
        }
    }

    /** The float (oneDNN) forward pass and gradients of {@code d} agree with its double-precision ones. */
    static void assertFloatMatchesDouble(MultiLayerNetwork d, INDArray in) {
        MultiLayerNetwork f = d.convertDataType(DataType.FLOAT);
        INDArray labels = GradientChecks.rand(d.output(in).shape());
        INDArray outD = d.output(in);
        INDArray outF = f.output(in.castTo(DataType.FLOAT)).castTo(DataType.DOUBLE);
        assertTrue(outD.equalsWithEps(outF, 1e-5), "float forward differs: " + outD.sub(outF).amaxNumber());
        d.setInput(in);
        d.setLabels(labels);
        f.setInput(in.castTo(DataType.FLOAT));
        f.setLabels(labels.castTo(DataType.FLOAT));
        d.computeGradientAndScore();
        f.computeGradientAndScore();
        INDArray gd = d.gradient().gradient();
        INDArray gf = f.gradient().gradient().castTo(DataType.DOUBLE);
        double rel = gd.sub(gf).norm2Number().doubleValue() / gd.norm2Number().doubleValue();
        assertTrue(rel < 1e-5, "float gradients relative error " + rel);
    }
}
