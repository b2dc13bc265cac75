package org.taskscale.tasks;

import java.io.PrintWriter;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.taskscale.data.Planes;
import org.taskscale.degrade.Degradation;
import org.taskscale.image.Image;
import org.taskscale.layers.PixelLoss;
import org.taskscale.tiles.Raster8;

/**
 * What a model learns, and everything that follows from it: how an example is made from a clean photo, the
 * baseline it is scored against, the border shave, whether it changes the scale, its outputs and their default
 * loss, and how inference runs it. One subclass per task, registered in {@link Tasks} by name (as architectures are
 * in the model registry); the rest of the code asks the task instead of switching on it.
 */
public abstract class Task implements Serializable {
    /** A graph output: its name and the label it is trained against. */
    public record Output(String name, String label) implements Serializable {}

    /**
     * What sets a task apart besides its code, stated by each task in its constructor: whether it changes the scale
     * (and runs at any scale), whether the JPEG quality is one of its settings, whether its first output is an LR
     * preview, the colour planes it fixes (0: the configuration's), its default loss, its inference modes (the
     * first is the one evaluation runs), and which arrays (input, then labels) hold 8-bit levels when in RGB.
     */
    record Traits(boolean scales, boolean anyScale, boolean usesQuality, boolean hasPreview, int colors,
                  PixelLoss.Kind loss, List<Mode> modes, List<Boolean> eightBitInRgb) implements Serializable {
        static Traits of(PixelLoss.Kind loss, Mode... modes) {
            return new Traits(false, false, false, false, 0, loss, List.of(modes), List.of());
        }

        Traits scaling(boolean anyScale) {
            return new Traits(true, anyScale, usesQuality, hasPreview, colors, loss, modes, eightBitInRgb);
        }

        Traits quality() {
            return new Traits(scales, anyScale, true, hasPreview, colors, loss, modes, eightBitInRgb);
        }

        Traits preview() {
            return new Traits(scales, anyScale, usesQuality, true, colors, loss, modes, eightBitInRgb);
        }

        Traits colors(int fixed) {
            return new Traits(scales, anyScale, usesQuality, hasPreview, fixed, loss, modes, eightBitInRgb);
        }

        Traits eightBit(Boolean... perArray) {
            return new Traits(scales, anyScale, usesQuality, hasPreview, colors, loss, modes, List.of(perArray));
        }
    }

    private final String name;
    private final String id;
    private final String input;
    private final List<Output> outputs;
    private final Traits traits;
    private final Set<Mode> modes;

    /**
     * @param name the configuration and command-line name ({@code taskscale.prep.task}, {@code --task})
     * @param id the name model zips and prep manifests store ({@code modelTask})
     */
    Task(String name, String id, String input, List<Output> outputs, Traits traits) {
        this.name = name;
        this.id = id;
        this.input = input;
        this.outputs = outputs;
        this.traits = traits;
        this.modes = Set.copyOf(traits.modes());
    }

    /** The configuration name, e.g. {@code rescale}. */
    public final String name() {
        return name;
    }

    /** The name stored in model zips and prep manifests, e.g. {@code RESCALING}. */
    public final String id() {
        return id;
    }

    /** The id in lower case with dashes, for people: {@code super-resolution-preupsampled}. */
    public final String label() {
        return id.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** What the network input holds. */
    public final String input() {
        return input;
    }

    /** The graph's outputs in order (labels are given in this order). */
    public final List<Output> outputs() {
        return outputs;
    }

    /** The graph's output names in order. */
    public final String[] outputNames() {
        return outputs.stream().map(Output::name).toArray(String[]::new);
    }

    /** True when the model has an encoder and a decoder whose 8-bit middle image is itself an output. */
    public final boolean twoStage() {
        return outputs.size() == 2;
    }

    /** True for the tasks that change the scale: patches and photos are cropped to a multiple of it. */
    public final boolean scales() {
        return traits.scales();
    }

    /** True when a model of one scale can run at any other (it works on the upsampled image). */
    public final boolean anyScale() {
        return traits.anyScale();
    }

    /** True when the JPEG quality is one of the task's settings (evaluated per quality). */
    public final boolean usesQuality() {
        return traits.usesQuality();
    }

    /** True when the first output is a learned LR preview, scored against the bicubic LR image. */
    public final boolean hasPreview() {
        return traits.hasPreview();
    }

    /** The pixels shaved from each border before scoring, at {@code scale}. */
    public final int shave(int scale) {
        return scales() ? scale : 0;
    }

    /** The colour planes of the model's input given the configured {@code colors} (fixed by some tasks). */
    public final int colors(int configured) {
        return traits.colors() > 0 ? traits.colors() : configured;
    }

    /** The loss of every output unless the model configuration names one. */
    public final PixelLoss.Kind loss() {
        return traits.loss();
    }

    /** The inference modes that apply to a model of this task. */
    public final Set<Mode> modes() {
        return modes;
    }

    /** The mode evaluation runs the model in. */
    public final Mode evalMode() {
        return traits.modes().get(0);
    }

    /**
     * The example's arrays (input, then labels) as 8-bit RGB planes ({@code [3, size, size]} each) made straight from
     * an 8-bit RGB patch, where the task has such a path: the same levels {@link #example} gives, without float
     * copies (they were a third of prep's time). Null where it has none.
     */
    public byte[][] example8(Degradation d, byte[] rgb, int size) {
        return null;
    }

    /**
     * Which arrays of an example (input, then labels) hold 8-bit levels exactly, so that prep stores them as UINT8:
     * the clean image and the stored LR and JPEG images in RGB; luma, upsampled and Lab arrays stay float.
     */
    public final boolean[] eightBit(int colors) {
        boolean[] b = new boolean[traits.eightBitInRgb().size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = traits.eightBitInRgb().get(i) && colors(colors) == 3;
        }
        return b;
    }

    /**
     * The example made from {@code clean} (0..255), in network units: images divided by 255; L of Lab by 100 and
     * a, b by 110. {@code colors = 1} trains on Y of BT.601 (studio range).
     */
    public abstract Example example(Degradation d, Image clean);

    /** The reference image (0..255) of an example from its input and main label. */
    public Image reference(Planes input, Planes label) {
        return Protocol.image(label);
    }

    /** The network's main output as an image on the 8-bit grid. */
    public Image result(Planes input, Planes output) {
        return Protocol.image8(output);
    }

    /** The task's baseline for {@code reference} (0..255, not yet rounded): what the model has to beat. */
    public abstract Image baseline(Image reference, Planes input, Planes label, int scale);

    /**
     * The baseline when the LR image is stored as a JPEG of {@code quality} before it is upscaled: only for tasks with
     * an LR {@link #hasPreview preview}; callers check that first.
     */
    public Image baselineWithLrJpeg(Image reference, int scale, int quality) {
        throw new UnsupportedOperationException("The " + name + " task has no LR image to compress.");
    }

    /** The side of the network input for an evaluation image side of {@code side} (after the crop) at {@code scale}. */
    public int evalInput(int side, int scale) {
        return side;
    }

    /** Applies {@code mode} (one of {@link #modes}) to a photo through a loaded model's networks. */
    public abstract Raster8 apply(Mode mode, Networks nets, Image photo, PrintWriter progress);

    /** The planes of {@code rgb} the model sees: RGB, or Y of BT.601 for {@code colors = 1}. */
    static Image planes(Image rgb, int colors) {
        return colors == 1 ? org.taskscale.image.ColorSpaces.luma(rgb) : rgb;
    }

    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass();
    }

    @Override
    public final int hashCode() {
        return id.hashCode();
    }

    @Override
    public final String toString() {
        return id;
    }

    /** Keeps one instance of each task across Java serialization (Spark ships tasks inside work items). */
    protected final Object readResolve() {
        return Tasks.byId(id);
    }
}
