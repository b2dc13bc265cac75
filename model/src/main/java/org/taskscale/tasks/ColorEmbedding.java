package org.taskscale.tasks;

import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import org.taskscale.data.Examples;
import org.taskscale.data.Planes;
import org.taskscale.degrade.Degradation;
import org.taskscale.image.ColorSpaces;
import org.taskscale.image.Image;
import org.taskscale.layers.PixelLoss;
import org.taskscale.tiles.Raster8;

/**
 * TAR colour embedding: the RGB image in; a grey image that hides the colours (trained towards the plain luma as
 * guidance) and the recoloured image out. Baseline: the grey image.
 */
final class ColorEmbedding extends Task {
    ColorEmbedding() {
        super("color-embed", "COLOR_EMBEDDING", "the RGB image", List.of(
                new Output("grey", "the BT.601 luma of the input (guidance)"), new Output("rgb", "the RGB image")));
    }

    @Override
    public int colors(int configured) {
        return 3;
    }

    @Override
    public PixelLoss.Kind loss() {
        return PixelLoss.Kind.L1;
    }

    @Override
    public Example example(Degradation d, Image clean) {
        Image hr = clean.toRgb();
        return new Example(Examples.units(hr), List.of(Examples.plainLuma(hr), Examples.units(hr)));
    }

    @Override
    public boolean[] eightBit(int colors) {
        return new boolean[] {true, false, true};
    }

    @Override
    public Image baseline(Image reference, Planes input, Planes label, int scale) {
        return ColorSpaces.luma(reference).toRgb();
    }

    @Override
    public Set<Mode> modes() {
        return Set.of(Mode.COLORIZE);
    }

    @Override
    public Mode evalMode() {
        return Mode.COLORIZE;
    }

    @Override
    public Raster8 apply(Mode mode, Networks nets, Image photo, PrintWriter progress) {
        return nets.decode(Examples.plainLuma(photo.toRgb()), progress);
    }
}
