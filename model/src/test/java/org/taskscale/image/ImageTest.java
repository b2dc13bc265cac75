package org.taskscale.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ImageTest {
    @Test
    void quantizeRoundsHalfAwayFromZeroAndClamps() {
        assertEquals(3f, Image.quantize8(2.5f));
        assertEquals(2f, Image.quantize8(2.4999f));
        assertEquals(0f, Image.quantize8(-3f));
        assertEquals(255f, Image.quantize8(300f));
        assertEquals(0f, Image.quantize8(Float.NaN));
    }

    @Test
    void cropAndModCrop() {
        Image img = Image.zeros(3, 10, 13);
        img.set(2, 4, 5, 9f);
        Image c = img.crop(4, 5, 2, 3);
        assertEquals(9f, c.get(2, 0, 0));
        Image m = img.modCrop(4);
        assertEquals(8, m.height());
        assertEquals(12, m.width());
        assertThrows(IllegalArgumentException.class, () -> img.crop(9, 0, 2, 2));
    }

    @Test
    void refusesWrongSampleCount() {
        assertThrows(IllegalArgumentException.class, () -> new Image(3, 2, 2, new float[11]));
        assertThrows(IllegalArgumentException.class, () -> new Image(2, 2, 2, new float[8]));
    }
}
