package org.taskscale.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** JPEG degradation against libjpeg-turbo's cjpeg and PIL at the same quality. */
class JpegTest {

    @Test
    void psnrMatchesCjpegAndPil() {
        JsonNode rows = Fixtures.json("metrics/jpeg.json");
        assertEquals(12, rows.size());
        for (JsonNode r : rows) {
            Image src = Fixtures.image(r.get("image").asText());
            int q = r.get("quality").asInt();
            double ours = Metrics.psnrY(src, ImageEncoder.jpegDegrade(src, q), 0);
            String what = r.get("image").asText() + " q" + q;
            assertEquals(r.get("cjpeg_psnr_y").asDouble(), ours, 0.1, what + " vs cjpeg");
            assertEquals(r.get("pil_psnr_y").asDouble(), ours, 0.01, what + " vs PIL");
        }
    }

    @Test
    void tablesAreScaledAsLibjpegDoes() {
        // quality 50 is the Annex K table itself; 10 multiplies by 5 and clamps to 255 (force_baseline)
        assertArrayEquals(ImageEncoder.IJG_LUMINANCE, ImageEncoder.ijgTable(ImageEncoder.IJG_LUMINANCE, 50));
        int[] q10 = ImageEncoder.ijgTable(ImageEncoder.IJG_LUMINANCE, 10);
        assertArrayEquals(new int[] {80, 55, 50, 80, 120, 200, 255, 255}, java.util.Arrays.copyOf(q10, 8));
        // quality 30: libjpeg's integer scale 5000 / 30 = 166; (61 * 166 + 50) / 100 = 101
        assertEquals(101, ImageEncoder.ijgTable(ImageEncoder.IJG_LUMINANCE, 30)[7]);
        assertEquals(1, ImageEncoder.ijgTable(ImageEncoder.IJG_LUMINANCE, 100)[0]);
    }

    @Test
    void lowerQualityLosesMore() {
        Image src = Fixtures.image("resize/rgb_b.png");
        double q10 = Metrics.psnrY(src, ImageEncoder.jpegDegrade(src, 10), 0);
        double q90 = Metrics.psnrY(src, ImageEncoder.jpegDegrade(src, 90), 0);
        assertTrue(q10 + 5 < q90, "q10 " + q10 + " dB vs q90 " + q90 + " dB");
    }

    @Test
    void greyStaysGrey() {
        Image grey = Fixtures.image("resize/grey_a.png");
        assertEquals(1, ImageEncoder.jpegDegrade(grey, 30).channels());
    }

    @Test
    void refusesQualityOutOfRange() {
        Image img = Image.zeros(3, 8, 8);
        assertThrows(IllegalArgumentException.class, () -> ImageEncoder.jpeg(img, 0));
        assertThrows(IllegalArgumentException.class, () -> ImageEncoder.jpeg(img, 101));
    }

    @Test
    void degradeDecodesOurBytesExactlyAsTheFullDecoderDoes() throws Exception {
        Image src = Fixtures.image("resize/rgb_a.png");
        for (int q : new int[] {1, 10, 37, 75, 100}) {
            Image fast = ImageEncoder.jpegDegrade(src, q);
            Image full = new ImageDecoder(Long.MAX_VALUE).decode(ImageEncoder.jpeg(src, q), "q" + q);
            org.junit.jupiter.api.Assertions.assertArrayEquals(full.data(), fast.data(), "quality " + q);
        }
    }
}
