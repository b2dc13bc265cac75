package org.taskscale.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** BT.601 YCbCr and CIE Lab against scikit-image 0.19.3 (rgb2ycbcr, ycbcr2rgb, rgb2lab, lab2rgb). */
class ColorSpacesTest {
    private final JsonNode fx = Fixtures.json("metrics/color.json");
    private final Image rgb = Fixtures.image(fx.get("image").asText());

    private void check(String key, Image img, double tol) {
        int n = img.height() * img.width();
        JsonNode pixels = fx.get("pixels");
        for (int i = 0; i < pixels.size(); i++) {
            int p = pixels.get(i).asInt();
            for (int c = 0; c < 3; c++) {
                assertEquals(fx.get(key).get(i).get(c).asDouble(), img.data()[c * n + p], tol, key + " pixel " + p + " c" + c);
            }
        }
    }

    @Test
    void ycbcrMatchesScikitImage() {
        check("ycbcr", ColorSpaces.rgbToYcbcr(rgb), 1e-3);
        check("ycbcr2rgb", ColorSpaces.ycbcrToRgb(ColorSpaces.rgbToYcbcr(rgb)), 2e-3);
    }

    @Test
    void lumaIsMatlabFormula() {
        Image px = new Image(3, 1, 1, new float[] {255f, 0f, 0f});
        assertEquals(16 + 65.481, ColorSpaces.luma(px).data()[0], 1e-4);
        Image white = new Image(3, 1, 1, new float[] {255f, 255f, 255f});
        assertEquals(235.0, ColorSpaces.luma(white).data()[0], 1e-4);
    }

    @Test
    void labMatchesScikitImage() {
        ColorSpaces.Lab lab = ColorSpaces.rgbToLab(rgb);
        int n = lab.height() * lab.width();
        float[] chw = new float[3 * n];
        System.arraycopy(lab.l(), 0, chw, 0, n);
        System.arraycopy(lab.a(), 0, chw, n, n);
        System.arraycopy(lab.b(), 0, chw, 2 * n, n);
        // Lab planes are not on the 8-bit scale, so wrap the values without the Image range meaning
        check("lab", new Image(3, lab.height(), lab.width(), chw), 2e-3);
        check("lab2rgb", ColorSpaces.labToRgb(lab), 2e-3);
    }

    @Test
    void labRoundTripRecoversRgb() {
        Image back = ColorSpaces.labToRgb(ColorSpaces.rgbToLab(rgb));
        assertTrue(Fixtures.diff(back, rgb)[0] < 0.01);
    }
}
