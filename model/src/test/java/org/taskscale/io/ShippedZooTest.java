package org.taskscale.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.taskscale.degrade.Degradation;
import org.taskscale.image.Image;
import org.taskscale.image.ImageDecoder;
import org.taskscale.inference.Inference;
import org.taskscale.models.ModelConfig;
import org.taskscale.tasks.Example;
import org.taskscale.tasks.Protocol;
import org.taskscale.tasks.Task;

/**
 * The zoo this build ships: every model the index lists is in the jar, at most 20 MB, is what the index says it is
 * (architecture, task, scale, from the zip itself), names an experiment file that configures that network, and beats
 * its task's baseline on a crop of a bundled photo that the corpus leaves out (the standard protocol).
 */
class ShippedZooTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final long MAX_BYTES = 20L * 1024 * 1024;
    /** The rescalers' and restorers' photo (outside the corpus); its 192x192 centre keeps the test short. */
    static final Path PHOTO = ROOT.resolve("datasets-prep/samples/chelsea.png");

    @Test
    void everyListedModelIsInTheJarAndIsWhatTheIndexSays() throws Exception {
        List<ModelZoo.Entry> entries = ModelZoo.entries();
        assertFalse(entries.isEmpty(), "the build ships no zoo models");
        for (ModelZoo.Entry e : entries) {
            byte[] zip = ModelZoo.bytes(ModelZoo.PREFIX + e.name());
            assertTrue(zip.length <= MAX_BYTES, e.name() + ": " + zip.length + " bytes");
            ModelFile.Info info = ModelFile.read(zip, e.name(), null, 0).info();
            assertEquals(e.arch(), info.arch(), e.name());
            assertEquals(e.task(), info.task().name(), e.name());
            assertEquals(info.task().scales() ? info.scale() : 1, e.scale(), e.name() + ": the scale, 1 where the task has none");

            Path conf = ROOT.resolve(e.config());
            assertTrue(Files.isRegularFile(conf), e.name() + ": " + conf);
            // the model block only: the file's prep and train blocks are spark-jobs' keys
            ModelConfig m = ModelConfig.from(ConfigFactory.parseFile(conf.toFile())
                    .withFallback(ConfigFactory.defaultReference()).resolve());
            assertEquals(e.arch(), m.name(), e.name() + ": " + e.config());
            if (info.task().scales()) {
                assertEquals(e.scale(), m.scale(), e.name() + ": " + e.config());
            }
            assertTrue(e.iterations() > 0 && e.hours() > 0, e.name());
            assertTrue(e.validation().containsKey("psnr_y"), e.name());
        }
    }

    @Test
    void everyModelBeatsItsBaselineOnAPhotoFromOutsideTheCorpus() throws Exception {
        Image full = new ImageDecoder().decode(PHOTO);
        Image photo = full.crop((full.height() - 192) / 2, (full.width() - 192) / 2, 192, 192);
        for (ModelZoo.Entry e : ModelZoo.entries()) {
            Inference inf = new Inference(ModelFile.read(ModelZoo.bytes(ModelZoo.PREFIX + e.name()), e.name(), null, 0),
                    0, -1);
            Task task = inf.info().task();
            int scale = task.scales() ? inf.scale() : 1;
            Example ex = task.example(new Degradation(scale, inf.info().colors(), 10), photo);
            Protocol.Scores s = Protocol.score(task, scale, ex.input(), ex.labels(), inf.outputs(ex.input(), null));
            String what = e.name() + ": " + s;
            if (Double.isNaN(s.baselinePsnrY())) {
                assertTrue(s.psnrRgb() > 25, what);
            } else {
                assertTrue(s.psnrY() > s.baselinePsnrY(), what);
            }
            if (task.hasPreview()) {
                assertTrue(s.lrPsnrY() > 30, what);
            }
        }
    }
}
