package org.taskscale.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class NdImagesTest {
    @Test
    void batchRoundTripKeepsLayoutAndValues() {
        Image a = Fixtures.image("resize/rgb_b.png");
        Image b = Bicubic.resize(a, 1.0).quantized8();
        INDArray batch = NdImages.toNchw(List.of(a, b));
        assertArrayEquals(new long[] {2, 3, 96, 96}, batch.shape());
        // channel 1 (green) of pixel (y=3, x=7) of image 0, scaled to [0, 1]
        assertEquals(a.get(1, 3, 7) / 255f, batch.getFloat(0, 1, 3, 7), 1e-7);
        Image back = NdImages.fromNchw(batch, 1);
        assertEquals(0.0, Fixtures.diff(back, b)[0], 1e-4);
    }

    @Test
    void refusesMixedShapes() {
        assertThrows(IllegalArgumentException.class,
                () -> NdImages.toNchw(List.of(Image.zeros(3, 4, 4), Image.zeros(1, 4, 4))));
    }
}
