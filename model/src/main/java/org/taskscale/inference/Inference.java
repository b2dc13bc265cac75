package org.taskscale.inference;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.taskscale.data.Examples;
import org.taskscale.data.Planes;
import org.taskscale.degrade.JpegCompression;
import org.taskscale.image.Bicubic;
import org.taskscale.image.ColorSpaces;
import org.taskscale.image.Image;
import org.taskscale.io.ModelFile;
import org.taskscale.tasks.Mode;
import org.taskscale.tasks.Networks;
import org.taskscale.tasks.Protocol;
import org.taskscale.tasks.Task;
import org.taskscale.tiles.Raster8;
import org.taskscale.tiles.Subgraph;
import org.taskscale.tiles.TiledRunner;

/**
 * A trained model applied to whole images through {@link TiledRunner}s: the networks of each use are cut out of
 * the trained graph once (the encoder and, from the stored 8-bit middle image, the decoder of two-stage tasks),
 * then any number of images of any size run through them in bounded memory; the task says what each mode does with
 * them. Serves both {@code infer} (photos in, photos out) and evaluation (the task's example in, the outputs the
 * protocol scores out).
 */
public final class Inference implements Networks {
    private final ModelFile.Info info;
    /** The first stage: the encoder of two-stage models, else the whole network. */
    private final TiledRunner first;
    /** The decoder of two-stage models (rescaling, colour embedding), else null. */
    private final TiledRunner second;

    /**
     * @param tile tile side in input pixels (0 = whole images)
     * @param overlap context per side (negative = exact, from the graph's footprint; 0 = plain patches)
     */
    public Inference(ModelFile.Loaded model, int tile, int overlap) {
        this.info = model.info();
        ComputationGraph net = model.net();
        var layout = info.layout();
        Task t = info.task();
        if (t.twoStage()) {
            String encoded = t.outputs().get(0).name();
            String decoded = t.outputs().get(1).name();
            String cut = Subgraph.feeding(net, encoded);
            first = new TiledRunner(Subgraph.between(net, "in", encoded), layout, tile, overlap);
            second = new TiledRunner(Subgraph.between(net, cut, decoded), layout, tile, overlap);
        } else {
            first = new TiledRunner(net, layout, tile, overlap);
            second = null;
        }
    }

    public ModelFile.Info info() {
        return info;
    }

    @Override
    public int scale() {
        return info.scale();
    }

    /** The runner that reads a photo first (for reporting its footprint). */
    @Override
    public TiledRunner first() {
        return first;
    }

    /**
     * The network outputs for one example's input (network units), in the task's output order, as the protocol
     * scores them: the encoded image is rounded to 8 bits before the decoder sees it.
     */
    public List<Planes> outputs(Planes input, PrintWriter progress) {
        return outputs(input, 0, progress);
    }

    /**
     * {@link #outputs(Planes, PrintWriter)} with the 8-bit encoded image stored as a JPEG of {@code middleJpeg} (0:
     * not) before the decoder sees it, as an LR image that was shared; the first output stays the encoded image itself.
     */
    public List<Planes> outputs(Planes input, int middleJpeg, PrintWriter progress) {
        Planes a = first.run(input, progress);
        if (second == null) {
            if (middleJpeg > 0) {
                throw new IllegalArgumentException("A " + info.arch() + " model has no middle image to store as a JPEG.");
            }
            return List.of(a);
        }
        Planes q = quantized(a);
        Planes seen = middleJpeg > 0 ? Examples.units(JpegCompression.apply(Protocol.image(q), middleJpeg)) : q;
        return List.of(q, second.run(seen, progress));
    }

    /** Network units rounded to the 8-bit grid, as an 8-bit file stores them. */
    public static Planes quantized(Planes p) {
        float[] d = new float[p.data().length];
        for (int i = 0; i < d.length; i++) {
            d[i] = Image.quantize8(p.data()[i] * 255f) / 255f;
        }
        return new Planes(p.channels(), p.height(), p.width(), d);
    }

    /**
     * Applies {@code mode} to a photo (0..255) and returns the 8-bit result, built tile by tile (no float copy of
     * the output exists at any time).
     */
    public Raster8 apply(Mode mode, Image photo, PrintWriter progress) {
        check(mode);
        return info.task().apply(mode, this, photo, progress);
    }

    @Override
    public Raster8 encode(Planes input, PrintWriter progress) {
        return rgb(first, input, progress);
    }

    @Override
    public Raster8 decode(Planes input, PrintWriter progress) {
        return rgb(second, input, progress);
    }

    private static Raster8 rgb(TiledRunner runner, Planes input, PrintWriter progress) {
        int[] size = runner.outputSize(input.height(), input.width());
        Raster8 out = new Raster8(3, size[0], size[1]);
        runner.run(input, out::putUnits, progress);
        return out;
    }

    @Override
    public Raster8 perPlane(Image photo, PrintWriter progress) {
        if (info.colors() == 3) {
            return rgb(first, Examples.units(photo.toRgb()), progress);
        }
        Planes y = Examples.units(ColorSpaces.luma(photo));
        int[] size = first.outputSize(y.height(), y.width());
        if (photo.channels() == 1) {
            Raster8 out = new Raster8(1, size[0], size[1]);
            first.run(y, out::putUnits, progress);
            return out;
        }
        Image chroma = Bicubic.resizeTo(ColorSpaces.rgbToYcbcr(photo), size[0], size[1]);
        Raster8 out = new Raster8(3, size[0], size[1]);
        first.run(y, (r, c, core) -> {
            Image ycc = chroma.crop(r, c, core.height(), core.width());
            int n = core.height() * core.width();
            for (int i = 0; i < n; i++) {
                ycc.data()[i] = core.data()[i] * 255f;
            }
            Image rgb = ColorSpaces.ycbcrToRgb(ycc);
            out.put(r, c, new Planes(rgb.channels(), rgb.height(), rgb.width(), rgb.data()));
        }, progress);
        return out;
    }

    /** Throws when {@code mode} does not apply to this model (callers check before reading any image). */
    public void check(Mode mode) {
        Task t = info.task();
        if (!t.modes().contains(mode)) {
            List<String> use = java.util.Arrays.stream(Mode.values()).filter(t.modes()::contains).map(Mode::label).toList();
            throw new IllegalArgumentException("Mode " + mode.label() + " does not apply to a " + info.arch()
                    + " model (task " + t.id().toLowerCase(Locale.ROOT) + "): use " + String.join(" or ", use) + ".");
        }
    }

    /**
     * Why an image of {@code height x width} cannot be run in {@code mode}: smaller than the model's size multiple
     * (its downsampling, or the scale it downscales by); null when it can.
     */
    public String unfit(Mode mode, int height, int width) {
        TiledRunner runner = second != null && mode != Mode.DOWNSCALE ? second : first;
        int m = Math.max(runner.footprint().alignment(), mode == Mode.DOWNSCALE ? info.scale() : 1);
        return height < m || width < m ? String.format(Locale.ROOT, "is %dx%d, smaller than the model's size multiple"
                + " of %d pixels", width, height, m) : null;
    }
}
