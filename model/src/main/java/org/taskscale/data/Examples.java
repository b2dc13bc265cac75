package org.taskscale.data;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.taskscale.image.Bicubic;
import org.taskscale.image.ColorSpaces;
import org.taskscale.image.Image;
import org.taskscale.image.ImageEncoder;
import org.taskscale.layers.Luminance;
import org.taskscale.models.Task;

/**
 * Turns a clean (HR) image into one training example of a task: the network input and the labels of its
 * outputs in order, in network units. Images are divided by 255; L of Lab by 100 and a, b by 110. The LR
 * images a user would store (bicubic LR, JPEG) are 8-bit; upsampled inputs and luma labels stay float.
 */
public final class Examples {
    private Examples() {}

    /** One example: the input and one label per graph output. */
    public record Example(Planes input, List<Planes> labels) {}

    /** What degrades the clean image: the model's scale and colour planes, and the JPEG quality. */
    public record Degradation(int scale, int colors, int jpegQuality) {
        public Degradation {
            if (scale < 1 || (colors != 1 && colors != 3) || jpegQuality < 1 || jpegQuality > 100) {
                throw new IllegalArgumentException("A degradation needs scale >= 1, colors 1 or 3 and a JPEG quality"
                        + " in 1..100, not " + scale + ", " + colors + ", " + jpegQuality + ".");
            }
        }
    }

    /**
     * The example of {@code task} made from {@code clean} (0..255). For scaling tasks the image is first cropped
     * to a multiple of the scale. Colour planes: {@code colors = 1} trains on Y of BT.601 (studio range).
     */
    public static Example make(Task task, Degradation d, Image clean) {
        Image hr = clean.toRgb();
        return switch (task) {
            case SUPER_RESOLUTION_PREUPSAMPLED -> {
                Image y = planes(hr.modCrop(d.scale()), d.colors());
                Image lr = Bicubic.resize(y, 1.0 / d.scale()).quantized8();
                yield new Example(units(Bicubic.resizeTo(lr, y.height(), y.width())), List.of(units(y)));
            }
            case SUPER_RESOLUTION -> {
                Image y = planes(hr.modCrop(d.scale()), d.colors());
                yield new Example(units(Bicubic.resize(y, 1.0 / d.scale()).quantized8()), List.of(units(y)));
            }
            case JPEG_RESTORATION -> {
                Image y = planes(hr, d.colors());
                Image jpeg = ImageEncoder.jpegDegrade(hr, d.jpegQuality());
                yield new Example(units(planes(jpeg, d.colors())), List.of(units(y)));
            }
            case COLORIZATION -> {
                ColorSpaces.Lab lab = ColorSpaces.rgbToLab(hr);
                int n = lab.height() * lab.width();
                float[] l = new float[n];
                float[] ab = new float[2 * n];
                for (int i = 0; i < n; i++) {
                    l[i] = lab.l()[i] / 100f;
                    ab[i] = lab.a()[i] / 110f;
                    ab[n + i] = lab.b()[i] / 110f;
                }
                yield new Example(new Planes(1, lab.height(), lab.width(), l),
                        List.of(new Planes(2, lab.height(), lab.width(), ab)));
            }
            case RESCALING -> {
                Image h = hr.modCrop(d.scale());
                Planes whole = units(h);  // input and label are the same planes: one copy of a large photo, not two
                yield new Example(whole, List.of(units(Bicubic.resize(h, 1.0 / d.scale()).quantized8()), whole));
            }
            case COLOR_EMBEDDING -> new Example(units(hr), List.of(plainLuma(hr), units(hr)));
        };
    }

    private static Image planes(Image rgb, int colors) {
        return colors == 1 ? ColorSpaces.luma(rgb) : rgb;
    }

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

    /** The inputs of {@code examples} as one batch. */
    public static INDArray inputs(List<Example> examples, CNN2DFormat layout) {
        return batch(examples.stream().map(Example::input).toList(), layout);
    }

    /** The labels of {@code examples}, one batch per graph output. */
    public static INDArray[] labels(List<Example> examples, CNN2DFormat layout) {
        int outputs = examples.get(0).labels().size();
        INDArray[] out = new INDArray[outputs];
        for (int k = 0; k < outputs; k++) {
            List<Planes> ps = new ArrayList<>();
            for (Example e : examples) {
                ps.add(e.labels().get(k));
            }
            out[k] = batch(ps, layout);
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
