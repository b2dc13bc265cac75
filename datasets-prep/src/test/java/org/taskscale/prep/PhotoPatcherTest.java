package org.taskscale.prep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.taskscale.config.TaskscaleConfig;

/**
 * Patch cutting: the eight rotations and flips against a plain rotate-then-mirror of the window, colour
 * augmentation of training patches only, and nothing drawn when it is off; several rescale draws per photo.
 */
class PhotoPatcherTest {
    static PrepConfig config(Map<String, String> more) {
        Map<String, String> o = new java.util.HashMap<>(Map.of("taskscale.prep.patch-size", "32",
                "taskscale.prep.patches-per-image", "8", "taskscale.prep.rescale-probability", "0"));
        o.putAll(more);
        return PrepConfig.from(TaskscaleConfig.load(null, o));
    }

    static byte[] grey() throws Exception {
        return Files.readAllBytes(Path.of("samples/camera.png"));
    }

    @Test
    void windowsAreTheQuarterTurnsAndMirrorsOfTheCrop() {
        int h = 21;
        int w = 26;
        int p = 7;
        float[] d = new float[3 * h * w];
        for (int i = 0; i < d.length; i++) {
            d[i] = (i * 37 % 251) + 0.25f;  // distinct neighbours; .25 checks the rounding
        }
        org.taskscale.image.Image img = new org.taskscale.image.Image(3, h, w, d);
        int y = 9;
        int x = 13;
        int[] plane = {2, 0, 1};
        float[] gain = {1f, 0.5f, 1.5f};
        for (int rot = 0; rot < 4; rot++) {
            for (boolean flip : new boolean[] {false, true}) {
                byte[] got = PhotoPatcher.window(img, y, x, p, rot, flip, plane, gain);
                for (int c = 0; c < 3; c++) {
                    // the crop, turned counter-clockwise rot times (numpy.rot90: out[i][j] = in[j][p-1-i]), mirrored
                    float[][] win = new float[p][p];
                    for (int i = 0; i < p; i++) {
                        for (int j = 0; j < p; j++) {
                            win[i][j] = d[(plane[c] * h + y + i) * w + x + j];
                        }
                    }
                    for (int k = 0; k < rot; k++) {
                        float[][] t = new float[p][p];
                        for (int i = 0; i < p; i++) {
                            for (int j = 0; j < p; j++) {
                                t[i][j] = win[j][p - 1 - i];
                            }
                        }
                        win = t;
                    }
                    for (int i = 0; i < p; i++) {
                        for (int j = 0; j < p; j++) {
                            float v = flip ? win[i][p - 1 - j] : win[i][j];
                            int want = (int) Math.min(255, Math.round(v * gain[c]));
                            assertEquals(want, got[(c * p + i) * p + j] & 0xff,
                                    "rot " + rot + " flip " + flip + " channel " + c + " at " + i + "," + j);
                        }
                    }
                }
            }
        }
    }

    @Test
    void colourAugmentationGivesGreyPhotosColourInTrainingPatchesOnly() throws Exception {
        PrepConfig on = config(Map.of("taskscale.prep.channel-shuffle", "true", "taskscale.prep.color-cast", "0.6"));
        PhotoPatcher.Outcome train = new PhotoPatcher(on).patch("camera.png", grey(), false);
        int coloured = 0;
        for (PhotoPatcher.SourcePatch p : train.patches()) {
            int n = p.size() * p.size();
            double[] mean = new double[3];
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < n; i++) {
                    mean[c] += (p.rgb()[c * n + i] & 0xff) / (double) n;
                }
            }
            // a grey patch with gains from [0.4, 1]: the channel means differ unless the gains happen to agree
            if (Math.abs(mean[0] - mean[1]) > 2 || Math.abs(mean[1] - mean[2]) > 2) {
                coloured++;
            }
        }
        assertTrue(coloured >= 6, coloured + " of 8 training patches have a colour cast");
        PhotoPatcher.Outcome valid = new PhotoPatcher(on).patch("camera.png", grey(), true);
        for (PhotoPatcher.SourcePatch p : valid.patches()) {
            int n = p.size() * p.size();
            for (int i = 0; i < n; i++) {
                assertEquals(p.rgb()[i], p.rgb()[n + i], "validation patches stay grey");
            }
        }
        // off: the same crops and geometry as with augmentation on; only the colours differ
        PrepConfig off = config(Map.of());
        PhotoPatcher.Outcome plain = new PhotoPatcher(off).patch("camera.png", grey(), true);
        assertEquals(valid.patches().size(), plain.patches().size());
        for (int k = 0; k < plain.patches().size(); k++) {
            assertArrayEquals(plain.patches().get(k).rgb(), valid.patches().get(k).rgb());
        }
    }

    /** A 256x256 photo of uniform noise, PNG: enlarged 3x it is several times smoother. */
    static byte[] noisePhoto() throws Exception {
        java.awt.image.BufferedImage im = new java.awt.image.BufferedImage(256, 256,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.util.Random r = new java.util.Random(5);
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                im.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(im, "png", out);
        return out.toByteArray();
    }

    /** Mean absolute difference of horizontal neighbours in a patch (its roughness). */
    static double roughness(PhotoPatcher.SourcePatch p) {
        int s = p.size();
        double sum = 0;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < s; y++) {
                for (int x = 1; x < s; x++) {
                    int i = (c * s + y) * s + x;
                    sum += Math.abs((p.rgb()[i] & 0xff) - (p.rgb()[i - 1] & 0xff));
                }
            }
        }
        return sum / (3.0 * s * (s - 1));
    }

    @Test
    void severalRescaleDrawsShowEachPhotoAtSeveralScales() throws Exception {
        Map<String, String> scaled = Map.of("taskscale.prep.rescale-probability", "1",
                "taskscale.prep.rescale-factors", "[1.0, 3.0]");
        Map<String, String> eight = new java.util.HashMap<>(scaled);
        eight.put("taskscale.prep.rescale-draws", "8");
        byte[] photo = noisePhoto();
        java.util.List<PhotoPatcher.SourcePatch> one = new PhotoPatcher(config(scaled)).patch("n.png", photo, false)
                .patches();
        java.util.List<PhotoPatcher.SourcePatch> many = new PhotoPatcher(config(eight)).patch("n.png", photo, false)
                .patches();
        assertEquals(8, one.size());
        assertEquals(8, many.size());
        double[] r1 = one.stream().mapToDouble(PhotoPatcherTest::roughness).sorted().toArray();
        double[] r8 = many.stream().mapToDouble(PhotoPatcherTest::roughness).sorted().toArray();
        // one draw: every patch from the same copy; eight: from copies at both scales (3x is several times smoother)
        assertTrue(r1[7] / r1[0] < 1.3, "one draw gives patches of one scale: " + java.util.Arrays.toString(r1));
        assertTrue(r8[7] / r8[0] > 2.5, "eight draws give patches of both scales: " + java.util.Arrays.toString(r8));
        // the first draw takes its random numbers as a single draw does: the same first patch
        assertArrayEquals(one.get(0).rgb(), many.get(0).rgb());
    }
}
