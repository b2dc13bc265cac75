package org.taskscale.infer;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.taskscale.data.Examples;
import org.taskscale.data.Planes;
import org.taskscale.eval.Protocol;
import org.taskscale.image.Bicubic;
import org.taskscale.image.ColorSpaces;
import org.taskscale.image.Image;
import org.taskscale.models.ModelFile;
import org.taskscale.models.Task;

/**
 * A trained model applied to whole images through {@link TiledRunner}s: the networks of each use are cut out of
 * the trained graph once (a rescaler's downscaler, and its upscaler starting from a stored 8-bit LR image; a
 * colour embedder's encoder and decoder), then any number of images of any size run through them in bounded
 * memory. Serves both {@code infer} (photos in, photos out) and evaluation (the task's example in, the outputs
 * the protocol scores out).
 */
public final class Inference {
    /** What {@code infer} does to a photo. */
    public enum Mode {
        /** A rescaler's learned LR image (the preview). */
        DOWNSCALE,
        /** A rescaler's upscaler on a (learned) LR image, or a super-resolution model on any image. */
        UPSCALE,
        /** JPEG artifact removal. */
        RESTORE,
        /** A colorization model on a grey (or any) photo, or a colour embedder's decoder on its grey embedding. */
        COLORIZE;

        public static Mode parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Unknown mode '" + s + "': valid modes are downscale, upscale, restore"
                        + " and colorize.");
            }
        }
    }

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
        if (t == Task.RESCALING || t == Task.COLOR_EMBEDDING) {
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

    /** The runner that reads a photo first (for reporting its footprint). */
    public TiledRunner firstRunner() {
        return first;
    }

    /**
     * The network outputs for one example's input (network units), in the task's output order, as the protocol
     * scores them: the encoded image is rounded to 8 bits before the decoder sees it.
     */
    public List<Planes> outputs(Planes input, PrintWriter progress) {
        Planes a = first.run(input, progress);
        if (second == null) {
            return List.of(a);
        }
        Planes q = quantized(a);
        return List.of(q, second.run(q, progress));
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
        Task t = info.task();
        switch (mode) {
            case DOWNSCALE -> {
                return rgb(first, Examples.units(photo.toRgb().modCrop(info.scale())), progress);
            }
            case UPSCALE -> {
                if (t == Task.RESCALING) {
                    return rgb(second, Examples.units(photo.toRgb()), progress);
                }
                Image src = t == Task.SUPER_RESOLUTION_PREUPSAMPLED ? Bicubic.resize(photo, info.scale()) : photo;
                return perPlane(src, progress);
            }
            case RESTORE -> {
                return perPlane(photo, progress);
            }
            case COLORIZE -> {
                if (t == Task.COLOR_EMBEDDING) {
                    return rgb(second, Examples.plainLuma(photo.toRgb()), progress);
                }
                Planes l = Examples.make(Task.COLORIZATION, new Examples.Degradation(1, 3, 100), photo).input();
                Raster8 out = new Raster8(3, l.height(), l.width());
                first.run(l, (y, x, ab) ->
                        out.put(y, x, planes(Protocol.lab(TiledRunner.crop(l, y, x, ab.height(), ab.width()), ab))), progress);
                return out;
            }
            default -> throw new IllegalStateException(mode.toString());
        }
    }

    private static Raster8 rgb(TiledRunner runner, Planes input, PrintWriter progress) {
        int[] size = runner.outputSize(input.height(), input.width());
        Raster8 out = new Raster8(3, size[0], size[1]);
        runner.run(input, out::putUnits, progress);
        return out;
    }

    private static Planes planes(Image img) {
        return new Planes(img.channels(), img.height(), img.width(), img.data());
    }

    /**
     * Runs the network on the photo's planes: RGB models on RGB; Y models on the Y plane of BT.601, with Cb and
     * Cr resized by bicubic interpolation to the output size (the SR literature's convention).
     */
    private Raster8 perPlane(Image photo, PrintWriter progress) {
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
            out.put(r, c, planes(ColorSpaces.ycbcrToRgb(ycc)));
        }, progress);
        return out;
    }

    /** Throws when {@code mode} does not apply to this model (callers check before reading any image). */
    public void check(Mode mode) {
        Task t = info.task();
        require(switch (mode) {
            case DOWNSCALE -> t == Task.RESCALING;
            case UPSCALE -> t == Task.RESCALING || t == Task.SUPER_RESOLUTION || t == Task.SUPER_RESOLUTION_PREUPSAMPLED;
            case RESTORE -> t == Task.JPEG_RESTORATION;
            case COLORIZE -> t == Task.COLOR_EMBEDDING || t == Task.COLORIZATION;
        }, mode);
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

    private void require(boolean ok, Mode mode) {
        if (!ok) {
            throw new IllegalArgumentException("Mode " + mode.name().toLowerCase(Locale.ROOT) + " does not apply to a "
                    + info.arch() + " model (task " + info.task().name().toLowerCase(Locale.ROOT) + "): "
                    + switch (info.task()) {
                        case RESCALING -> "use downscale or upscale.";
                        case SUPER_RESOLUTION, SUPER_RESOLUTION_PREUPSAMPLED -> "use upscale.";
                        case JPEG_RESTORATION -> "use restore.";
                        case COLORIZATION, COLOR_EMBEDDING -> "use colorize.";
                    });
        }
    }
}
