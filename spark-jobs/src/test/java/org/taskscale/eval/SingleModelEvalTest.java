package org.taskscale.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskscale.image.Bicubic;
import org.taskscale.image.Image;
import org.taskscale.image.ImageDecoder;
import org.taskscale.image.Metrics;
import org.taskscale.models.ModelConfig;
import org.taskscale.models.ModelRegistry;
import org.taskscale.models.Task;

/** One model on whole images: the protocol's baseline, the eval.json / eval.csv contract. */
class SingleModelEvalTest {
    @TempDir
    Path dir;

    @Test
    void evaluatesWholeImagesAgainstBicubicAndWritesTheContract() throws Exception {
        Path images = dir.resolve("photos");
        Files.createDirectories(images);
        Path samples = Path.of("../datasets-prep/samples").toAbsolutePath().normalize();
        Files.copy(samples.resolve("chelsea.png"), images.resolve("chelsea.png"));
        Files.copy(samples.resolve("coffee.png"), images.resolve("coffee.png"));
        Files.writeString(images.resolve("notes.txt"), "ignored");
        Path model = dir.resolve("model.zip");
        ModelSerializer.writeModel(ModelRegistry.build(ModelConfig.defaults("aetad-skip").withSize(8, 1)), model.toFile(), true);
        List<SingleModelEval.Row> rows = SingleModelEval.run(model.toString(), images.toString(), Task.RESCALING, 2, 10,
                dir.resolve("out").toString(), new Configuration(), new PrintWriter(new StringWriter()));
        assertEquals(2, rows.size());
        // baseline: MATLAB bicubic /2 to 8 bits, x2 back to the (even-cropped) size, PSNR-Y with 2 pixels shaved
        Image hr = new ImageDecoder().decode(samples.resolve("chelsea.png")).modCrop(2);
        Image up = Bicubic.resizeTo(Bicubic.resize(hr, 0.5).quantized8(), hr.height(), hr.width()).quantized8();
        SingleModelEval.Row chelsea = rows.get(0);
        assertEquals("chelsea.png", chelsea.image());
        assertEquals(Metrics.psnrY(hr, up, 2), chelsea.baselinePsnrY(), 1e-9);
        assertEquals(Metrics.ssimY(hr, up, 2), chelsea.baselineSsimY(), 1e-9);
        assertTrue(chelsea.psnrY() > 10 && chelsea.lrPsnrY() > 10, chelsea.toString());
        JsonNode doc = new ObjectMapper().readTree(dir.resolve("out/eval.json").toFile());
        assertEquals(2, doc.get("results").size());
        JsonNode r = doc.get("results").get(0);
        for (String f : List.of("checkpoint", "dataset", "image", "task", "scale", "quality", "psnr_y", "ssim_y",
                "baseline_psnr_y", "baseline_ssim_y", "lr_psnr_y")) {
            assertTrue(r.has(f), "eval.json result lacks " + f);
        }
        assertTrue(r.get("quality").isNull(), "quality does not apply to rescaling");
        assertEquals(1, doc.get("summary").size());
        assertEquals(2, doc.get("summary").get(0).get("images").asInt());
        assertEquals(3, Files.readAllLines(dir.resolve("out/eval.csv")).size());
    }
}
