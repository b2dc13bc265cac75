package org.taskscale.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskscale.cli.Main;
import org.taskscale.image.Image;
import org.taskscale.image.ImageDecoder;
import org.taskscale.inference.Inference;
import org.taskscale.io.ModelFile;
import org.taskscale.models.ModelConfig;
import org.taskscale.models.ModelRegistry;
import org.taskscale.tasks.Mode;

/** {@code infer}: files in, PNGs out, tiled like whole-image inference, locally and on Spark. */
class InferJobTest {
    @TempDir
    Path dir;

    static final Path SAMPLES = Path.of("../datasets-prep/samples").toAbsolutePath().normalize();

    @Test
    void downscalesAndUpscalesFoldersLocallyAndOnSpark() throws Exception {
        Path in = dir.resolve("in");
        Files.createDirectories(in.resolve("sub"));
        Files.copy(SAMPLES.resolve("chelsea.png"), in.resolve("chelsea.png"));
        Files.copy(SAMPLES.resolve("rocket.jpg"), in.resolve("sub/rocket.jpg"));
        Files.write(in.resolve("broken.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2});
        ModelConfig m = ModelConfig.defaults("aetad-skip").withSize(8, 1);
        ComputationGraphHolder.save(m, dir.resolve("model.zip"));
        InferJob.Options down = new InferJob.Options(dir.resolve("model.zip").toString(), Mode.DOWNSCALE, 64, -1,
                null, 0, dir.resolve("lr").toString(), ImageDecoder.DEFAULT_MAX_PIXELS);
        StringWriter log = new StringWriter();
        List<InferJob.Outcome> res = InferJob.run(List.of(in.toString()), down, new Configuration(), new PrintWriter(log));
        assertEquals(3, res.size());
        assertEquals(1, res.stream().filter(r -> r.reason() != null).count(), log.toString());
        assertTrue(log.toString().contains("peak memory: heap"), log.toString());
        Image lr = new ImageDecoder().decode(dir.resolve("lr/chelsea_lr.png"));
        assertEquals(150, lr.height());
        assertEquals(225, lr.width());
        assertTrue(Files.exists(dir.resolve("lr/sub/rocket_lr.png")), "folders keep their relative paths");
        // tiles give the whole-image result (to the 8-bit rounding of values within 1e-4 of a level boundary)
        ModelFile.Loaded loaded = ModelFile.read(Files.readAllBytes(dir.resolve("model.zip")), "model.zip", null, 0);
        Image photo = new ImageDecoder().decode(SAMPLES.resolve("chelsea.png"));
        Image whole = new Inference(loaded, 0, -1).apply(Mode.DOWNSCALE, photo, null).toImage();
        assertTrue(maxDiff(whole, lr) <= 1, "tiled vs whole: " + maxDiff(whole, lr));
        // the upscaler on the written LR previews, on Spark
        InferJob.Options up = new InferJob.Options(dir.resolve("model.zip").toString(), Mode.UPSCALE, 64, -1, null,
                0, dir.resolve("hr").toString(), ImageDecoder.DEFAULT_MAX_PIXELS);
        try (JavaSparkContext jsc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("infer-test")
                .set("spark.ui.enabled", "false").set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", org.taskscale.spark.RecordKryoRegistrator.REGISTRATORS))) {
            res = InferJob.run(List.of(dir.resolve("lr").toString()), up, jsc, new PrintWriter(log));
        }
        assertEquals(2, res.size());
        res.forEach(r -> assertNull(r.reason()));
        Image hr = new ImageDecoder().decode(dir.resolve("hr/chelsea_lr_up.png"));
        assertEquals(300, hr.height());
        assertEquals(450, hr.width());
        Image hrWhole = new Inference(loaded, 0, -1).apply(Mode.UPSCALE, lr, null).toImage();
        assertTrue(maxDiff(hrWhole, hr) <= 1, "tiled vs whole: " + maxDiff(hrWhole, hr));
    }

    @Test
    void theCommandLineRejectsAWrongModeAndCountsBadFiles() throws Exception {
        ComputationGraphHolder.save(ModelConfig.defaults("srcnn").withSize(8, 1).withScale(3), dir.resolve("srcnn.zip"));
        Files.copy(SAMPLES.resolve("chelsea.png"), dir.resolve("chelsea.png"));
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        int code = cl.execute("infer", "--model", dir.resolve("srcnn.zip").toString(), "--mode", "restore",
                dir.resolve("chelsea.png").toString(), "--out", dir.resolve("o").toString());
        assertEquals(Main.EXIT_BAD_INPUT, code);
        assertTrue(err.toString().contains("use upscale"), err.toString());
        code = cl.execute("infer", "--model", dir.resolve("srcnn.zip").toString(), "--mode", "upscale",
                dir.resolve("chelsea.png").toString(), "--out", dir.resolve("o").toString());
        assertEquals(0, code, err.toString());
        Image up = new ImageDecoder().decode(dir.resolve("o/chelsea_up.png"));
        assertEquals(900, up.height());
        assertEquals(1353, up.width());
    }

    static double maxDiff(Image a, Image b) {
        assertEquals(a.height(), b.height());
        double m = 0;
        for (int i = 0; i < a.data().length; i++) {
            m = Math.max(m, Math.abs(a.data()[i] - b.data()[i]));
        }
        return m;
    }

    static final class ComputationGraphHolder {
        static void save(ModelConfig m, Path file) throws Exception {
            Files.write(file, ModelFile.bytes(ModelRegistry.build(m), ModelFile.Info.of(m), false));
        }
    }
}
