package org.taskscale.prep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.taskscale.config.TaskscaleConfig;

/** Patch cutting: colour augmentation of training patches only, and nothing drawn when it is off. */
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
