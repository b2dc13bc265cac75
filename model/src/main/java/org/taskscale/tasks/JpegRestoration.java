package org.taskscale.tasks;

import java.io.PrintWriter;
import java.util.List;
import org.taskscale.data.Examples;
import org.taskscale.data.Planes;
import org.taskscale.degrade.Degradation;
import org.taskscale.degrade.JpegCompression;
import org.taskscale.image.Image;
import org.taskscale.layers.PixelLoss;
import org.taskscale.tiles.Raster8;

/** JPEG artifact restoration (ARCNN): the JPEG-compressed image in, the clean image out. Baseline: the JPEG image. */
final class JpegRestoration extends Task {
    JpegRestoration() {
        super("jpeg", "JPEG_RESTORATION", "the JPEG-compressed image", List.of(new Output("out", "the uncompressed image")),
                Traits.of(PixelLoss.Kind.L2_SUM, Mode.RESTORE).quality().eightBit(true, true));
    }

    @Override
    public Example example(Degradation d, Image clean) {
        Image hr = clean.toRgb();
        Image jpeg = JpegCompression.apply(hr, d.jpegQuality());
        return new Example(Examples.units(planes(jpeg, d.colors())), List.of(Examples.units(planes(hr, d.colors()))));
    }

    /** In RGB: the patch's JPEG round trip in, the patch itself out. */
    @Override
    public byte[][] example8(Degradation d, byte[] rgb, int size) {
        return d.colors() == 3 ? new byte[][] {JpegCompression.applyRgb(rgb, size, size, d.jpegQuality()), rgb} : null;
    }

    @Override
    public Image baseline(Image reference, Planes input, Planes label, int scale) {
        return Protocol.image(input);
    }

    @Override
    public Raster8 apply(Mode mode, Networks nets, Image photo, PrintWriter progress) {
        return nets.perPlane(photo, progress);
    }
}
