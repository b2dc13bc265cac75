package org.taskscale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskscale.io.ModelFile;
import org.taskscale.io.ModelZoo;
import org.taskscale.models.ModelConfig;
import org.taskscale.models.ModelRegistry;

/**
 * {@code zoo} and {@code zoo:NAME} wherever a model is taken, on a zoo of one small model put where the jar keeps
 * its zoo (this module's test classes come first on the class path, so it stands in for the shipped one).
 */
class ZooCommandTest {
    static Path zooDir;

    @TempDir
    Path dir;

    @BeforeAll
    static void plantZoo() throws Exception {
        zooDir = Path.of(ZooCommandTest.class.getResource("/").toURI()).resolve("org/taskscale/zoo");
        Files.createDirectories(zooDir);
        ModelConfig m = ModelConfig.defaults("aetad-skip").withSize(8, 1);
        ComputationGraph net = ModelRegistry.build(m);
        Files.write(zooDir.resolve("tiny-x2.zip"), ModelFile.bytes(net, ModelFile.Info.of(m), true));
        Files.writeString(zooDir.resolve("zoo.json"), "[{\"name\": \"tiny-x2\", \"file\": \"tiny-x2.zip\", \"arch\":"
                + " \"aetad-skip\", \"task\": \"rescale\", \"scale\": 2, \"description\": \"8 channels, 1 block\","
                + " \"config\": \"conf/zoo/tiny-x2.conf\", \"iterations\": 12, \"hours\": 0.01, \"data\": \"nothing\","
                + " \"validation\": {\"psnr_y\": 30.5, \"baseline_psnr_y\": 28.0, \"lr_psnr_y\": 40.0}}]");
    }

    @AfterAll
    static void removeZoo() throws Exception {
        Files.delete(zooDir.resolve("tiny-x2.zip"));
        Files.delete(zooDir.resolve("zoo.json"));
    }

    @Test
    void zooListsOneLinePerModelStartingWithNameTaskAndScale() {
        CliTest.Result r = CliTest.run("zoo");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\\R");
        assertEquals(1, lines.length, r.out());
        assertTrue(lines[0].matches("tiny-x2\\s+rescale\\s+x2\\s.*"), lines[0]);
        assertTrue(lines[0].contains("+2.50 over the baseline") && lines[0].contains("conf/zoo/tiny-x2.conf"), lines[0]);
    }

    @Test
    void evalAndInferTakeAZooModelAndAnUnknownNameListsTheZoo() throws Exception {
        Path images = dir.resolve("photos");
        Files.createDirectories(images);
        Files.copy(CliTest.SAMPLES.resolve("chelsea.png"), images.resolve("chelsea.png"));
        CliTest.Result e = CliTest.run("eval", "--model", "zoo:tiny-x2", "--images", images.toString(), "--lr-jpeg",
                "0,75", "--out", dir.resolve("eval").toString());
        assertEquals(0, e.code(), e.err());
        JsonNode doc = new ObjectMapper().readTree(dir.resolve("eval/eval.json").toFile());
        assertEquals(2, doc.get("results").size());
        assertEquals("zoo:tiny-x2", doc.get("results").get(0).get("checkpoint").asText());
        assertEquals(75, doc.get("results").get(1).get("lr_jpeg").asInt());

        CliTest.Result i = CliTest.run("infer", "--model", "zoo:tiny-x2", "--mode", "downscale",
                images.resolve("chelsea.png").toString(), "--out", dir.resolve("lr").toString());
        assertEquals(0, i.code(), i.err());
        try (var s = Files.list(dir.resolve("lr"))) {
            assertEquals(1, s.filter(f -> f.getFileName().toString().startsWith("chelsea")).count(), i.out());
        }

        CliTest.Result bad = CliTest.run("infer", "--model", "zoo:tiny-x4", "--mode", "downscale",
                images.resolve("chelsea.png").toString(), "--out", dir.resolve("lr2").toString());
        assertEquals(2, bad.code(), bad.out());
        assertTrue(bad.err().contains("no zoo model tiny-x4") && bad.err().contains("tiny-x2"), bad.err());
        assertEquals(ModelZoo.bytes("zoo:tiny-x2").length, Files.size(zooDir.resolve("tiny-x2.zip")));
    }
}
