package org.taskscale.image;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Conversion between {@link Image} (0..255) and ND4J float arrays {@code [N, C, H, W]} in [0, 1]. */
public final class NdImages {
    private NdImages() {}

    /** One image as a {@code [1, C, H, W]} float array in [0, 1]. */
    public static INDArray toNchw(Image img) {
        return toNchw(List.of(img));
    }

    /** Images of one shape as a {@code [N, C, H, W]} float array in [0, 1]. */
    public static INDArray toNchw(List<Image> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("Cannot make a batch of no images.");
        }
        Image first = images.get(0);
        int c = first.channels();
        int h = first.height();
        int w = first.width();
        int per = c * h * w;
        float[] buf = new float[images.size() * per];
        for (int i = 0; i < images.size(); i++) {
            Image img = images.get(i);
            if (img.channels() != c || img.height() != h || img.width() != w) {
                throw new IllegalArgumentException("A batch needs images of one shape: image " + i + " is " + img
                        + ", image 0 is " + first + ".");
            }
            float[] d = img.data();
            for (int k = 0; k < per; k++) {
                buf[i * per + k] = d[k] / 255f;
            }
        }
        return Nd4j.create(buf, new long[] {images.size(), c, h, w}, 'c');
    }

    /** Image {@code index} of a {@code [N, C, H, W]} array in [0, 1], back on the 0..255 scale (not rounded). */
    public static Image fromNchw(INDArray batch, int index) {
        if (batch.rank() != 4) {
            throw new IllegalArgumentException("Expected a [N, C, H, W] array, got shape "
                    + java.util.Arrays.toString(batch.shape()) + ".");
        }
        int c = (int) batch.size(1);
        int h = (int) batch.size(2);
        int w = (int) batch.size(3);
        INDArray one = batch.get(org.nd4j.linalg.indexing.NDArrayIndex.point(index)).castTo(DataType.FLOAT).dup('c');
        float[] d = one.data().asFloat();
        for (int k = 0; k < d.length; k++) {
            d[k] *= 255f;
        }
        return new Image(c, h, w, d);
    }
}
