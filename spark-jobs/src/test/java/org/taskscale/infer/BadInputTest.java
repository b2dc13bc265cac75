package org.taskscale.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskscale.cli.Main;
import org.taskscale.io.ModelFile;
import org.taskscale.models.ModelConfig;
import org.taskscale.models.ModelRegistry;
import org.taskscale.prep.Corpus;

/**
 * eval, infer and infer --spark on one folder that mixes good photos, odd formats (CMYK, 16-bit, grey, alpha,
 * palette, progressive, upper-case extension) and bad files (empty, truncated, text, random bytes, a PNG whose
 * header claims 60000x60000, images too small): each exits 0, processes every good and odd image, and names every
 * bad one with its reason; the configured pixel limit holds, judged from the header.
 */
class BadInputTest {
    @TempDir
    static Path dir;

    static Path photos;
    static Path model;
    static Map<String, String> bad;

    @BeforeAll
    static void corpus() throws Exception {
        photos = dir.resolve("photos");
        bad = Corpus.write(photos);
        model = dir.resolve("model.zip");
        ModelConfig m = ModelConfig.defaults("aetad-skip").withSize(8, 1);
        Files.write(model, ModelFile.bytes(ModelRegistry.build(m), ModelFile.Info.of(m), false));
    }

    record Run(int code, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** The rejects.csv beside infer's outputs, as file name -> reason. */
    static Map<String, String> rejects(Path out) throws Exception {
        Map<String, String> m = new TreeMap<>();
        for (String line : Files.readAllLines(out.resolve("rejects.csv")).subList(1, Files.readAllLines(out.resolve("rejects.csv")).size())) {
            String path = line.substring(0, line.indexOf(','));
            m.put(path.substring(path.lastIndexOf('/') + 1), line.substring(line.indexOf(',') + 1));
        }
        return m;
    }

    private void inferWritesEveryUsableImageAndListsEveryBadOne(boolean spark) throws Exception {
        Path out = dir.resolve(spark ? "infer-spark" : "infer");
        List<String> args = new ArrayList<>(List.of("infer", "--model", model.toString(), "--mode", "downscale",
                photos.toString(), "--out", out.toString()));
        if (spark) {
            args.addAll(List.of("--spark", "--master", "local[2]"));
        }
        Run r = cli(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err() + r.out());
        for (String usable : Corpus.USABLE) {
            String lr = usable.substring(0, usable.lastIndexOf('.')) + "_lr.png";
            assertTrue(Files.isRegularFile(out.resolve(lr)), usable + " was not written:\n" + r.out());
        }
        assertTrue(Files.isRegularFile(out.resolve("tiny_lr.png")), "8x6 is within the x2 model's size multiple");
        Map<String, String> rejected = rejects(out);
        Map<String, String> expected = new TreeMap<>(bad);
        expected.remove("tiny.png");
        assertEquals(expected.keySet(), rejected.keySet(), r.out());
        assertTrue(rejected.get("huge.png").contains("60000x60000") && rejected.get("huge.png").contains("max-pixels"),
                rejected.get("huge.png"));
        assertTrue(rejected.get("dot.png").contains("smaller than the model's size multiple"), rejected.get("dot.png"));
        assertTrue(rejected.get("empty.png").contains("empty"), rejected.get("empty.png"));
        assertTrue(rejected.get("truncated.jpg").contains("truncated"), rejected.get("truncated.jpg"));
        for (String name : expected.keySet()) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("infer: skipped ") && l.contains(name)), name + ":\n" + r.out());
        }
        assertTrue(r.out().contains((Corpus.USABLE.size() + 1) + " written, " + expected.size() + " skipped"), r.out());
    }

    @Test
    void inferInThisProcess() throws Exception {
        inferWritesEveryUsableImageAndListsEveryBadOne(false);
    }

    @Test
    void inferOnSpark() throws Exception {
        inferWritesEveryUsableImageAndListsEveryBadOne(true);
    }

    @Test
    void evalScoresEveryUsableImageAndListsEveryBadOne() throws Exception {
        Path out = dir.resolve("eval");
        Run r = cli("eval", "--model", model.toString(), "--images", photos.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        JsonNode doc = new ObjectMapper().readTree(out.resolve("eval.json").toFile());
        List<String> scored = new ArrayList<>();
        doc.get("results").forEach(n -> scored.add(n.get("image").asText()));
        assertEquals(Corpus.USABLE.stream().sorted().toList(), scored.stream().sorted().toList());
        List<String> skipped = new ArrayList<>();
        doc.get("skipped").forEach(n -> skipped.add(n.asText()));
        for (String name : bad.keySet()) {
            assertTrue(skipped.stream().anyMatch(s -> s.contains("/" + name + ": ")), name + " is not in " + skipped);
        }
        assertEquals(bad.size(), skipped.size(), skipped.toString());
        assertTrue(skipped.stream().anyMatch(s -> s.contains("tiny.png: is 8x6, too small for x2")), skipped.toString());
    }

    @Test
    void theConfiguredPixelLimitHoldsInEvalAndInfer() throws Exception {
        Path one = dir.resolve("one");
        Files.createDirectories(one);
        Files.copy(photos.resolve("astronaut.png"), one.resolve("astronaut.png"));
        Files.copy(photos.resolve("grey.png"), one.resolve("grey.png"));
        Run r = cli("infer", "--model", model.toString(), "--mode", "downscale", one.toString(), "--out",
                dir.resolve("limited").toString(), "--set", "taskscale.image.max-pixels=10000");
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(rejects(dir.resolve("limited")).get("astronaut.png").contains("over the limit of 10000"), r.out());
        assertTrue(Files.exists(dir.resolve("limited/grey_lr.png")), "64x48 is within the limit");
        r = cli("eval", "--model", model.toString(), "--images", one.toString(), "--out", dir.resolve("limited-eval").toString(),
                "--set", "taskscale.image.max-pixels=10000");
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(Files.readString(dir.resolve("limited-eval/eval.json")).contains("over the limit of 10000"));
    }

    @Test
    void outputsInsideInputsAreRefusedBeforeAnythingIsWritten() throws Exception {
        Run r = cli("infer", "--model", model.toString(), "--mode", "downscale", photos.toString(), "--out",
                photos.resolve("sub").toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code());
        assertTrue(r.err().contains("--out") && r.err().contains("lies inside the input") && r.err().contains("photos"),
                r.err());
        assertTrue(Files.notExists(photos.resolve("sub/rejects.csv")), "nothing written");
        r = cli("eval", "--model", model.toString(), "--images", photos.toString(), "--out", dir.toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code());
        assertTrue(r.err().contains("taskscale.eval.out") && r.err().contains("contains the input"), r.err());
    }
}
