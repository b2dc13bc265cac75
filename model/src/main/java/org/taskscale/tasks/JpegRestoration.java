package org.taskscale.tasks;

import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
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
        super("jpeg", "JPEG_RESTORATION", "the JPEG-compressed image", List.of(new Output("out", "the uncompressed image")));
    }

    @Override
    public boolean usesQuality() {
        return true;
    }

    @Override
    public PixelLoss.Kind loss() {
        return PixelLoss.Kind.L2_SUM;
    }

    @Override
    public Example example(Degradation d, Image clean) {
        Image hr = clean.toRgb();
        Image jpeg = JpegCompression.apply(hr, d.jpegQuality());
        return new Example(Examples.units(planes(jpeg, d.colors())), List.of(Examples.units(planes(hr, d.colors()))));
    }

    @Override
    public boolean[] eightBit(int colors) {
        return new boolean[] {colors == 3, colors == 3};
    }

    @Override
    public Image baseline(Image reference, Planes input, Planes label, int scale) {
        return Protocol.image(input);
    }

    @Override
    public Set<Mode> modes() {
        return Set.of(Mode.RESTORE);
    }

    @Override
    public Mode evalMode() {
        return Mode.RESTORE;
    }

    @Override
    public Raster8 apply(Mode mode, Networks nets, Image photo, PrintWriter progress) {
        return nets.perPlane(photo, progress);
    }
}
