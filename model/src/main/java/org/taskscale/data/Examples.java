package org.taskscale.data;

import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.taskscale.image.Image;
import org.taskscale.layers.Luminance;

/**
 * Images in network units ([0, 1] planes) and batches of them in either layout: what every task's examples are
 * made of (each task makes its examples from them).
 */
public final class Examples {
    private Examples() {}

    /** 0..255 samples to [0, 1]. */
    public static Planes units(Image img) {
        float[] d = img.data();
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = d[i] / 255f;
        }
        return new Planes(img.channels(), img.height(), img.width(), out);
    }

    /** Full-range BT.601 luma in [0, 1], what {@link Luminance} computes inside a graph. */
    public static Planes plainLuma(Image rgb) {
        int n = rgb.height() * rgb.width();
        float[] d = rgb.data();
        float[] y = new float[n];
        double[] w = Luminance.WEIGHTS;
        for (int i = 0; i < n; i++) {
            y[i] = (float) ((w[0] * d[i] + w[1] * d[n + i] + w[2] * d[2 * n + i]) / 255.0);
        }
        return new Planes(1, rgb.height(), rgb.width(), y);
    }

    /** Planes of one shape as a batch in {@code layout}: {@code [N, C, H, W]} or {@code [N, H, W, C]}. */
    public static INDArray batch(List<Planes> items, CNN2DFormat layout) {
        return Nd4j.create(stack(items, layout), batchShape(items, layout), 'c');
    }

    /** The shape {@link #stack} lays {@code items} out in. */
    public static long[] batchShape(List<Planes> items, CNN2DFormat layout) {
        Planes f = items.get(0);
        return layout == CNN2DFormat.NHWC ? new long[] {items.size(), f.height(), f.width(), f.channels()}
                : new long[] {items.size(), f.channels(), f.height(), f.width()};
    }

    /** Planes of one shape stacked into one flat array in {@code layout} order (c order of {@link #batchShape}). */
    public static float[] stack(List<Planes> items, CNN2DFormat layout) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("Cannot make a batch of nothing.");
        }
        Planes first = items.get(0);
        int c = first.channels();
        int hw = first.height() * first.width();
        float[] out = new float[items.size() * c * hw];
        for (int n = 0; n < items.size(); n++) {
            Planes p = items.get(n);
            if (p.channels() != c || p.height() != first.height() || p.width() != first.width()) {
                throw new IllegalArgumentException("A batch needs planes of one shape: item " + n + " is "
                        + java.util.Arrays.toString(p.shape()) + ", item 0 is " + java.util.Arrays.toString(first.shape()) + ".");
            }
            float[] d = p.data();
            int base = n * c * hw;
            if (layout == CNN2DFormat.NCHW || c == 1) {
                System.arraycopy(d, 0, out, base, c * hw);
            } else {
                for (int ch = 0; ch < c; ch++) {
                    for (int i = 0; i < hw; i++) {
                        out[base + i * c + ch] = d[ch * hw + i];
                    }
                }
            }
        }
        return out;
    }

    /** A batch of a network's output (either layout) back to planes: item {@code index} as CHW floats. */
    public static Planes unbatch(INDArray batch, int index, CNN2DFormat layout) {
        INDArray one = batch.get(org.nd4j.linalg.indexing.NDArrayIndex.point(index));
        if (layout == CNN2DFormat.NHWC) {
            one = one.permute(2, 0, 1);
        }
        one = one.castTo(DataType.FLOAT).dup('c');
        return new Planes((int) one.size(0), (int) one.size(1), (int) one.size(2), one.data().asFloat());
    }
}
