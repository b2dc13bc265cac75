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
 * augmentation of training patches only, and nothing drawn when it is off.
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
}
