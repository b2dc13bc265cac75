package org.taskscale.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.taskscale.config.ConfigException;
import org.taskscale.degrade.Degradation;
import org.taskscale.image.Image;

/** The task registry: names, stored ids, one instance per task, and each task's traits agreeing with its examples. */
class TasksTest {
    @Test
    void parsesConfigurationNamesAndStoredIdsAndNamesTheLegalValues() {
        assertEquals(List.of("rescale", "sr", "sr-upsampled", "jpeg", "colorize", "color-embed"), Tasks.names());
        for (Task t : Tasks.all()) {
            assertSame(t, Tasks.parse(" " + t.name().toUpperCase() + " ", "--task"));
            assertSame(t, Tasks.byId(t.id()));
        }
        // the ids model zips and manifests written before the task classes hold
        assertEquals(List.of("RESCALING", "SUPER_RESOLUTION", "SUPER_RESOLUTION_PREUPSAMPLED", "JPEG_RESTORATION",
                "COLORIZATION", "COLOR_EMBEDDING"), Tasks.all().stream().map(Task::id).toList());
        ConfigException e = assertThrows(ConfigException.class, () -> Tasks.parse("deblur", "taskscale.prep.task"));
        assertTrue(e.getMessage().contains("taskscale.prep.task") && e.getMessage().contains("deblur")
                && e.getMessage().contains("color-embed"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tasks.byId("DEBLURRING"));
    }

    @Test
    void javaSerialisationKeepsOneInstancePerTask() throws Exception {
        for (Task t : Tasks.all()) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(t);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                assertSame(t, in.readObject());
            }
        }
    }

    @Test
    void eachTasksTraitsAgreeWithTheExamplesItMakes() {
        float[] d = new float[3 * 24 * 24];
        for (int i = 0; i < d.length; i++) {
            d[i] = (i * 37) % 256;
        }
        Image photo = new Image(3, 24, 24, d);
        for (Task t : Tasks.all()) {
            for (int colors : new int[] {1, 3}) {
                Example ex = t.example(new Degradation(2, colors, 20), photo);
                assertEquals(t.outputs().size(), ex.labels().size(), t + " labels");
                boolean[] u8 = t.eightBit(colors);
                assertEquals(1 + t.outputs().size(), u8.length, t + " arrays");
                for (int k = 0; k < u8.length; k++) {
                    float[] v = (k == 0 ? ex.input() : ex.labels().get(k - 1)).data();
                    if (u8[k]) {
                        for (float x : v) {
                            assertEquals(Math.round(x * 255f) / 255f, x, 0f, t + " array " + k + " is not on the 8-bit grid");
                        }
                    }
                }
                assertEquals(t.colors(colors), ex.input().channels(), t + " input planes");
                // only super-resolution takes the LR image; the scale applies to tasks that say they scale
                assertEquals(t == Tasks.SR ? 12 : 24, ex.input().height(), t + " input size");
                assertEquals(t.scales(), ex.labels().get(0).height() == 12 || t == Tasks.SR || t == Tasks.SR_UPSAMPLED,
                        t + " scales");
            }
        }
    }
}
