package org.taskscale.tasks;

import java.io.PrintWriter;
import org.taskscale.data.Planes;
import org.taskscale.image.Image;
import org.taskscale.tiles.Raster8;
import org.taskscale.tiles.TiledRunner;

/** The tiled networks of a loaded model, as a task's inference uses them. */
public interface Networks {
    /** The model's scale. */
    int scale();

    /** The whole network, or the encoder of a two-stage model. */
    TiledRunner first();

    /** The whole network (or the encoder) on RGB planes, as an 8-bit RGB image. */
    Raster8 encode(Planes input, PrintWriter progress);

    /** A two-stage model's decoder on its (8-bit) middle image, as an 8-bit RGB image. */
    Raster8 decode(Planes input, PrintWriter progress);

    /**
     * The network on a photo's planes: RGB models on RGB; Y models on the Y plane of BT.601, with Cb and Cr resized
     * by bicubic interpolation to the output size (the SR literature's convention).
     */
    Raster8 perPlane(Image photo, PrintWriter progress);
}
