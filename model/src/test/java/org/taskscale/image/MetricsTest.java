package org.taskscale.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** PSNR / SSIM / PSNR-B against scikit-image 0.19.3 and a numpy PSNR-B written from the paper. */
class MetricsTest {

    @Test
    void matchesScikitImage() {
        JsonNode rows = Fixtures.json("metrics/metrics.json");
        assertTrue(rows.size() >= 12);
        for (JsonNode r : rows) {
            Image ref = Fixtures.image(r.get("ref").asText());
            Image test = Fixtures.image(r.get("test").asText());
            int shave = r.get("shave").asInt();
            String what = r.get("test").asText() + " shave " + shave;
            assertEquals(r.get("psnr_y").asDouble(), Metrics.psnrY(ref, test, shave), 1e-4, what + " psnr_y");
            assertEquals(r.get("ssim_y").asDouble(), Metrics.ssimY(ref, test, shave), 1e-6, what + " ssim_y");
            assertEquals(r.get("psnr_rgb").asDouble(), Metrics.psnrRgb(ref, test, shave), 1e-4, what + " psnr_rgb");
            assertEquals(r.get("psnr_b_y").asDouble(), Metrics.psnrBY(ref, test, shave), 1e-4, what + " psnr_b_y");
        }
    }

    @Test
    void identicalImagesHaveInfinitePsnrAndUnitSsim() {
        Image a = Fixtures.image("resize/rgb_b.png");
        assertEquals(Double.POSITIVE_INFINITY, Metrics.psnrY(a, a, 0));
        assertEquals(1.0, Metrics.ssimY(a, a, 2), 1e-12);
    }

    @Test
    void psnrOfKnownError() {
        Image a = Image.zeros(1, 16, 16);
        Image b = Image.zeros(1, 16, 16);
        java.util.Arrays.fill(b.data(), 5f);  // MSE 25
        assertEquals(10 * Math.log10(255.0 * 255.0 / 25.0), Metrics.psnrY(a, b, 0), 1e-9);
        assertEquals(10 * Math.log10(255.0 * 255.0 / 25.0), Metrics.psnrRgb(a, b, 3), 1e-9);
    }

    @Test
    void blockingIsPenalised() {
        // a test image with steps exactly on the 8x8 grid gets a lower PSNR-B than PSNR
        Image ref = Image.zeros(1, 32, 32);
        Image test = Image.zeros(1, 32, 32);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                test.set(0, y, x, ((x / 8) + (y / 8)) % 2 == 0 ? 4f : -4f);
            }
        }
        assertTrue(Metrics.psnrBY(ref, test, 0) < Metrics.psnrY(ref, test, 0));
    }

    @Test
    void refusesMismatchedSizes() {
        assertThrows(IllegalArgumentException.class,
                () -> Metrics.psnrY(Image.zeros(1, 16, 16), Image.zeros(1, 16, 17), 0));
    }
}
