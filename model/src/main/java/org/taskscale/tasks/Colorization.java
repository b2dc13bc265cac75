package org.taskscale.tasks;

import java.io.PrintWriter;
import java.util.List;
import org.taskscale.data.Planes;
import org.taskscale.degrade.Degradation;
import org.taskscale.image.ColorSpaces;
import org.taskscale.image.Image;
import org.taskscale.layers.PixelLoss;
import org.taskscale.tiles.Raster8;
import org.taskscale.tiles.TiledRunner;

/** Colorization: L/100 of CIE Lab in, (a/110, b/110) out. Baseline: the grey image (a = b = 0). */
final class Colorization extends Task {
    Colorization() {
        super("colorize", "COLORIZATION", "the L plane of CIE Lab, divided by 100",
                List.of(new Output("out", "the a and b planes, divided by 110")),
                Traits.of(PixelLoss.Kind.L2, Mode.COLORIZE).colors(1).eightBit(false, false));
    }

    @Override
    public Example example(Degradation d, Image clean) {
        return lab(clean.toRgb());
    }

    /** The L plane and the (a, b) planes of an RGB image. */
    static Example lab(Image rgb) {
        ColorSpaces.Lab lab = ColorSpaces.rgbToLab(rgb);
        int n = lab.height() * lab.width();
        float[] l = new float[n];
        float[] ab = new float[2 * n];
        for (int i = 0; i < n; i++) {
            l[i] = lab.l()[i] / 100f;
            ab[i] = lab.a()[i] / 110f;
            ab[n + i] = lab.b()[i] / 110f;
        }
        return new Example(new Planes(1, lab.height(), lab.width(), l), List.of(new Planes(2, lab.height(), lab.width(), ab)));
    }

    @Override
    public Image reference(Planes input, Planes label) {
        return Protocol.lab(input, label);
    }

    @Override
    public Image result(Planes input, Planes output) {
        return Protocol.quantizeInPlace(Protocol.lab(input, output));
    }

    @Override
    public Image baseline(Image reference, Planes input, Planes label, int scale) {
        return Protocol.lab(input, new Planes(2, label.height(), label.width(), new float[label.data().length]));
    }

    @Override
    public Raster8 apply(Mode mode, Networks nets, Image photo, PrintWriter progress) {
        Planes l = lab(photo.toRgb()).input();
        Raster8 out = new Raster8(3, l.height(), l.width());
        nets.first().run(l, (y, x, ab) -> {
            Image rgb = Protocol.lab(TiledRunner.crop(l, y, x, ab.height(), ab.width()), ab);
            out.put(y, x, new Planes(3, rgb.height(), rgb.width(), rgb.data()));
        }, progress);
        return out;
    }
}
