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

/** Super-resolution (EDSR): the 8-bit bicubic LR image in, the HR image (scale times larger) out. Baseline: bicubic up. */
final class SuperResolution extends Task {
    SuperResolution() {
        super("sr", "SUPER_RESOLUTION", "the LR image", List.of(new Output("out", "the HR image")),
                Traits.of(PixelLoss.Kind.L1, Mode.UPSCALE).scaling(false).eightBit(true, true));
    }

    @Override
    public Example example(Degradation d, Image clean) {
        Image y = planes(clean.toRgb().modCrop(d.scale()), d.colors());
        return new Example(Examples.units(BicubicDownscale.apply(y, d.scale())), List.of(Examples.units(y)));
    }

    @Override
    public Image baseline(Image reference, Planes input, Planes label, int scale) {
        return Bicubic.resizeTo(Protocol.image(input), reference.height(), reference.width());
    }

    @Override
    public int evalInput(int side, int scale) {
        return side / scale;
    }

    @Override
    public Raster8 apply(Mode mode, Networks nets, Image photo, PrintWriter progress) {
        return nets.perPlane(photo, progress);
    }
}
