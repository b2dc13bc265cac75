package org.taskscale.layers;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.taskscale.data.Examples;
import org.taskscale.data.Planes;
import org.taskscale.degrade.JpegCompression;
import org.taskscale.image.Image;

/**
 * A real JPEG round trip of an 8-bit image tensor in [0, 1] while training, so that an upscaler learns from the LR
 * image a shared photo arrives as (SAIN's setting, with the real codec in place of a differentiable model of it):
 * each image of the minibatch is encoded at a quality drawn from {@code [minQuality, maxQuality]} and decoded
 * again (4:2:0 chroma for RGB, as libjpeg's defaults); the backward pass sends the gradient straight through. The
 * quality is drawn from a hash of the image's own levels, so that a resumed run draws what the uninterrupted run
 * drew. Outside training it passes its input on: evaluation applies the JPEG it asks for ({@code eval --lr-jpeg}).
 */
public class JpegRoundTrip extends ShapeLayer {
    protected int minQuality;
    protected int maxQuality;

    public JpegRoundTrip() {}

    protected JpegRoundTrip(Builder b) {
        super(b);
        this.minQuality = b.min;
        this.maxQuality = b.max;
    }

    public int getMinQuality() { return minQuality; }

    public void setMinQuality(int q) { this.minQuality = q; }

    public int getMaxQuality() { return maxQuality; }

    public void setMaxQuality(int q) { this.maxQuality = q; }

    @Override
    protected Layer createLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new Runtime(conf, dataType);
    }

    @Override
    protected InputType.InputTypeConvolutional outputType(InputType.InputTypeConvolutional in) {
        return in;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JpegRoundTrip j && j.minQuality == minQuality && j.maxQuality == maxQuality
                && j.dataFormat == dataFormat && java.util.Objects.equals(j.layerName, layerName);
    }

    @Override
    public int hashCode() {
        return 31 * minQuality + maxQuality;
    }

    @Override
    public JpegRoundTrip clone() {
        return (JpegRoundTrip) super.clone();
    }

    /** The quality for an image with these 8-bit levels: a pure function of them, uniform over the range. */
    static int quality(byte[] levels, int min, int max) {
        return min + new SplittableRandom(Arrays.hashCode(levels) * 0x9E3779B97F4A7C15L).nextInt(max - min + 1);
    }

    /** One image (network units, CHW) through a JPEG file of a quality drawn from its levels. */
    static Planes roundTrip(Planes p, int min, int max) {
        float[] d = p.data();
        byte[] levels = new byte[d.length];
        float[] v = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            v[i] = Image.quantize8(d[i] * 255f);
            levels[i] = (byte) v[i];
        }
        return Examples.units(JpegCompression.apply(new Image(p.channels(), p.height(), p.width(), v),
                quality(levels, min, max)));
    }

    static final class Runtime extends ShapeLayerRuntime<JpegRoundTrip> {
        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        protected INDArray forward(INDArray in, boolean training, LayerWorkspaceMgr mgr) {
            INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, in.dataType(), in.shape(), 'c');
            if (!training) {
                return out.assign(in);
            }
            JpegRoundTrip c = layerConf();
            var layout = c.getDataFormat();
            java.util.List<Planes> images = new java.util.ArrayList<>();
            for (int i = 0; i < in.size(0); i++) {
                images.add(roundTrip(Examples.unbatch(in, i, layout), c.minQuality, c.maxQuality));
            }
            float[] data = Examples.stack(images, layout);
            return out.assign(org.nd4j.linalg.factory.Nd4j.create(data, in.shape(), 'c').castTo(in.dataType()));
        }

        @Override
        protected INDArray backward(INDArray in, INDArray eps, LayerWorkspaceMgr mgr) {
            return mgr.dup(ArrayType.ACTIVATION_GRAD, eps, 'c');
        }
    }

    public static class Builder extends ShapeLayer.FormatBuilder<Builder> {
        private final int min;
        private final int max;

        /** Qualities drawn from {@code [min, max]} (IJG scale, 1..100). */
        public Builder(int min, int max) {
            if (min < 1 || max > 100 || min > max) {
                throw new IllegalArgumentException("A JPEG round trip needs qualities 1 <= min <= max <= 100, not "
                        + min + " and " + max + ".");
            }
            this.min = min;
            this.max = max;
        }

        @Override
        @SuppressWarnings("unchecked")
        public JpegRoundTrip build() {
            return new JpegRoundTrip(this);
        }
    }
}
