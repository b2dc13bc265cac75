package org.taskscale.tasks;

import java.io.PrintWriter;
import java.util.List;
import org.taskscale.data.Examples;
import org.taskscale.data.Planes;
import org.taskscale.degrade.BicubicDownscale;
import org.taskscale.degrade.Degradation;
import org.taskscale.image.Bicubic;
import org.taskscale.image.Image;
import org.taskscale.layers.PixelLoss;
import org.taskscale.tiles.Raster8;

/**
 * Super-resolution on the pre-upsampled image (SRCNN): the 8-bit LR image bicubic-upsampled to HR size in, the HR
 * image out; works at any scale. Baseline: its input.
 */
final class UpsampledSuperResolution extends Task {
    UpsampledSuperResolution() {
        super("sr-upsampled", "SUPER_RESOLUTION_PREUPSAMPLED", "the LR image, bicubic-upsampled to the HR size",
                List.of(new Output("out", "the HR image")),
                Traits.of(PixelLoss.Kind.L2, Mode.UPSCALE).scaling(true).eightBit(false, true));
    }

    @Override
    public Example example(Degradation d, Image clean) {
        Image y = planes(clean.toRgb().modCrop(d.scale()), d.colors());
        Image lr = BicubicDownscale.apply(y, d.scale());
        return new Example(Examples.units(Bicubic.resizeTo(lr, y.height(), y.width())), List.of(Examples.units(y)));
    }

    @Override
    public Image baseline(Image reference, Planes input, Planes label, int scale) {
        return Protocol.image(input);
    }

    @Override
    public Raster8 apply(Mode mode, Networks nets, Image photo, PrintWriter progress) {
        return nets.perPlane(Bicubic.resize(photo, nets.scale()), progress);
    }
}
