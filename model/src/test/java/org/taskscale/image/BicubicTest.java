package org.taskscale.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** MATLAB-bicubic resizing against Octave's imresize (octave-image 2.14), an independent implementation. */
class BicubicTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "rgb_a, x0.5", "rgb_a, x0.25", "rgb_a, x2", "rgb_a, 53x37",
        "rgb_b, x0.5", "rgb_b, x0.25", "rgb_b, x2", "rgb_b, 53x37",
        "grey_a, x0.5", "grey_a, x0.25", "grey_a, x2", "grey_a, 53x37",
        "grey_small, x0.5", "grey_small, x0.25", "grey_small, x2", "grey_small, 53x37"})
    void matchesOctaveImresizeWithinOneLevel(String name, String op) {
        Image src = Fixtures.image("resize/" + name + ".png");
        Image expected = Fixtures.image("resize/" + name + "_" + op + ".png");
        Image ours = switch (op) {
            case "53x37" -> Bicubic.resizeTo(src, 37, 53);
            default -> Bicubic.resize(src, Double.parseDouble(op.substring(1)));
        };
        double[] d = Fixtures.diff(ours.quantized8(), expected);
        assertTrue(d[0] <= 1.0, name + " " + op + ": max difference " + d[0] + " > 1 grey level");
        assertTrue(d[1] <= 0.1, name + " " + op + ": mean absolute difference " + d[1] + " > 0.1");
    }

    @Test
    void srBaselineDownAndUpMatchesOctave() {
        for (String name : List.of("rgb_a", "rgb_b", "grey_a")) {
            Image src = Fixtures.image("resize/" + name + ".png");
            Image lr = Bicubic.resize(src, 0.5).quantized8();
            Image up = Bicubic.resizeTo(lr, src.height(), src.width()).quantized8();
            double[] d = Fixtures.diff(up, Fixtures.image("resize/" + name + "_down2up2.png"));
            assertTrue(d[0] <= 1.0 && d[1] <= 0.1, name + ": max " + d[0] + ", mean " + d[1]);
        }
    }

    @ParameterizedTest
    @CsvSource({"0.5, 1e-3", "2, 1e-3", "0.3, 1e-3"})
    void unroundedValuesMatchOctave(double scale, double tol) throws IOException {
        Image src = Fixtures.image("resize/grey_small.png");
        String name = scale == 2 ? "2" : Double.toString(scale);
        List<String> rows = Files.readAllLines(Fixtures.path("resize/grey_small_x" + name + ".csv"));
        Image ours = Bicubic.resize(src, scale);
        assertEquals(rows.size(), ours.height(), "rows");
        double max = 0;
        for (int y = 0; y < rows.size(); y++) {
            String[] cols = rows.get(y).split(",");
            assertEquals(cols.length, ours.width(), "columns");
            for (int x = 0; x < cols.length; x++) {
                max = Math.max(max, Math.abs(Double.parseDouble(cols[x]) - ours.get(0, y, x)));
            }
        }
        assertTrue(max <= tol, "scale " + scale + ": max difference " + max);
    }

    @Test
    void outputSizeIsCeilOfScaleTimesSize() {
        Image img = Image.zeros(3, 101, 127);
        Image half = Bicubic.resize(img, 0.5);
        assertEquals(51, half.height());
        assertEquals(64, half.width());
        Image third = Bicubic.resize(img, 1.0 / 3);
        assertEquals(34, third.height());
        assertEquals(43, third.width());
    }

    @Test
    void constantImageStaysConstant() {
        Image img = Image.zeros(1, 20, 30);
        java.util.Arrays.fill(img.data(), 77f);
        for (double s : new double[] {0.25, 0.3, 0.5, 2, 3.5}) {
            for (float v : Bicubic.resize(img, s).data()) {
                assertEquals(77f, v, 1e-4, "scale " + s);
            }
        }
    }

    @Test
    void scaleOneIsIdentity() {
        Image src = Fixtures.image("resize/rgb_b.png");
        assertEquals(0.0, Fixtures.diff(Bicubic.resize(src, 1.0), src)[0], 1e-4);
    }

    @Test
    void symmetricPaddingMirrorsIndices() {
        int[] got = new int[8];
        for (int i = -3; i < 5; i++) {
            got[i + 3] = Bicubic.mirror(i, 3);
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {2, 1, 0, 0, 1, 2, 2, 1}, got);
    }

    @Test
    void refusesNonPositiveScales() {
        Image img = Image.zeros(1, 8, 8);
        assertThrows(IllegalArgumentException.class, () -> Bicubic.resize(img, 0));
        assertThrows(IllegalArgumentException.class, () -> Bicubic.resize(img, -2));
        assertThrows(IllegalArgumentException.class, () -> Bicubic.resizeTo(img, 0, 4));
    }

    @ParameterizedTest(name = "width x{0}")
    @CsvSource({"0.6", "0.75", "0.9", "2", "0.5"})
    void theRowPassIsTheDirectGatherBitForBit(double scale) {
        // odd sizes, so that the transposition's tiles do not divide them; values with many significant bits
        java.util.SplittableRandom rng = new java.util.SplittableRandom(7);
        Image img = Image.zeros(3, 37, 101);
        float[] d = img.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (rng.nextDouble() * 300 - 20);
        }
        Bicubic.Contributions cw = Bicubic.contributions(101, (int) Math.ceil(scale * 101), scale);
        Image ours = Bicubic.resize(img, 1.0, scale);
        float[] o = ours.data();
        int ow = cw.outLength();
        assertEquals(ow, ours.width());
        for (int row = 0; row < 3 * 37; row++) {
            for (int x = 0; x < ow; x++) {
                double acc = 0;
                for (int k = 0; k < cw.taps(); k++) {
                    acc += cw.weights()[x * cw.taps() + k] * d[row * 101 + cw.indices()[x * cw.taps() + k]];
                }
                assertEquals(Float.floatToIntBits((float) acc), Float.floatToIntBits(o[row * ow + x]),
                        "row " + row + ", column " + x);
            }
        }
    }
}
