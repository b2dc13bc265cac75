package org.taskscale.tasks;

import java.io.PrintWriter;
import java.util.List;
import org.taskscale.data.Examples;
import org.taskscale.data.Planes;
import org.taskscale.degrade.BicubicDownscale;
import org.taskscale.degrade.Degradation;
import org.taskscale.degrade.JpegCompression;
import org.taskscale.image.Bicubic;
import org.taskscale.image.Image;
import org.taskscale.layers.PixelLoss;
import org.taskscale.tiles.Raster8;

/**
 * Task-aware rescaling (TAD/TAR, CAR): the HR image in; the learned LR image (trained towards the bicubic LR as
 * guidance) and the reconstruction out. Baseline: MATLAB bicubic down, rounded to 8 bits (and stored as a JPEG where
 * the evaluation asks), and up again.
 */
final class Rescaling extends Task {
    Rescaling() {
        super("rescale", "RESCALING", "the HR image", List.of(new Output("lr", "the bicubic LR image (guidance)"),
                new Output("hr", "the HR image")),
                Traits.of(PixelLoss.Kind.L1, Mode.DOWNSCALE, Mode.UPSCALE).scaling(false).preview().colors(3)
                .eightBit(true, true, true));
    }

    @Override
    public Example example(Degradation d, Image clean) {
        Image h = clean.toRgb().modCrop(d.scale());
        Planes whole = Examples.units(h);  // input and label are the same planes: one copy of a large photo, not two
        return new Example(whole, List.of(Examples.units(BicubicDownscale.apply(h, d.scale())), whole));
    }

    @Override
    public Image baseline(Image reference, Planes input, Planes label, int scale) {
        return Bicubic.resize(BicubicDownscale.apply(reference, scale), scale);
    }

    @Override
    public Image baselineWithLrJpeg(Image reference, int scale, int quality) {
        return Bicubic.resize(JpegCompression.apply(BicubicDownscale.apply(reference, scale), quality), scale);
    }

    @Override
    public Raster8 apply(Mode mode, Networks nets, Image photo, PrintWriter progress) {
        return mode == Mode.DOWNSCALE ? nets.encode(Examples.units(photo.toRgb().modCrop(nets.scale())), progress)
                : nets.decode(Examples.units(photo.toRgb()), progress);
    }
}
