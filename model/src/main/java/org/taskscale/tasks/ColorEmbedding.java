package org.taskscale.tasks;

import java.io.PrintWriter;
import java.util.List;
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
                new Output("grey", "the BT.601 luma of the input (guidance)"), new Output("rgb", "the RGB image")),
                Traits.of(PixelLoss.Kind.L1, Mode.COLORIZE).colors(3).eightBit(true, false, true));
    }

    @Override
    public Example example(Degradation d, Image clean) {
        Image hr = clean.toRgb();
        return new Example(Examples.units(hr), List.of(Examples.plainLuma(hr), Examples.units(hr)));
    }

    @Override
    public Image baseline(Image reference, Planes input, Planes label, int scale) {
        return ColorSpaces.luma(reference).toRgb();
    }

    @Override
    public Raster8 apply(Mode mode, Networks nets, Image photo, PrintWriter progress) {
        return nets.decode(Examples.plainLuma(photo.toRgb()), progress);
    }
}
