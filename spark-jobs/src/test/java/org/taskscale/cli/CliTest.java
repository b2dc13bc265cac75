package org.taskscale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskscale.image.Bicubic;
import org.taskscale.image.Image;
import org.taskscale.image.ImageDecoder;
import org.taskscale.image.ImageEncoder;
import org.taskscale.image.Metrics;
import picocli.CommandLine;

/** The command line as users and outside tools call it: outputs, exit codes, one-line errors. */
class CliTest {
    static final Path SAMPLES = Path.of("../datasets-prep/samples");

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void modelsPrintsOneRegisteredNamePerLineAndVerboseCountsParameters() {
        Result r = run("models");
        assertEquals(0, r.code(), r.err());
        assertEquals(org.taskscale.models.ModelRegistry.names(), List.of(r.out().strip().split("\\R")));
        Result v = run("models", "--verbose", "--set", "taskscale.model.colors=1");
        assertEquals(0, v.code(), v.err());
        assertTrue(v.out().startsWith("# ND4J backend CPU"), v.out());
        String srcnn = v.out().lines().filter(l -> l.startsWith("srcnn ")).findFirst().orElseThrow();
        assertTrue(srcnn.contains(" 8,129 params"), srcnn);
        Result bad = run("models", "--verbose", "--set", "taskscale.model.name=edsr-huge");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("edsr-huge") && bad.err().contains("aetad-skip"), bad.err());
    }

    @Test
    void versionAndHelpOnEveryCommand() {
        Result v = run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("taskscale 0."), v.out());
        assertTrue(v.out().contains("built on nd4j-native") && v.out().contains("ND4J backend CPU (nd4j-native), 1 device"),
                v.out());
        List<List<String>> paths = new ArrayList<>();
        collect(Main.commandLine(), new ArrayList<>(), paths);
        assertTrue(paths.size() >= 5, "commands: " + paths);
        for (List<String> p : paths) {
            List<String> args = new ArrayList<>(p);
            args.add("--help");
            Result r = run(args.toArray(String[]::new));
            assertEquals(0, r.code(), "help of " + p + ": " + r.err());
            assertTrue(r.out().contains("Usage: taskscale"), "help of " + p + ": " + r.out());
        }
    }

    private static void collect(CommandLine cl, List<String> prefix, List<List<String>> out) {
        out.add(prefix);
        cl.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                List<String> p = new ArrayList<>(prefix);
                p.add(name);
                collect(sub, p, out);
            }
        });
    }

    @Test
    void compareprintsOneJsonObjectMatchingTheLibrary() throws Exception {
        Path ref = SAMPLES.resolve("chelsea.png");
        Image src = new ImageDecoder().decode(ref);
        Image up = Bicubic.resizeTo(Bicubic.resize(src, 0.5).quantized8(), src.height(), src.width()).quantized8();
        Path test = dir.resolve("up.png");
        ImageEncoder.writePng(up, test);
        Result r = run("image", "compare", ref.toString(), test.toString(), "--shave", "2");
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.out().strip().lines().count(), r.out());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(Metrics.psnrY(src, up, 2), j.get("psnr_y").asDouble(), 1e-5);
        assertEquals(Metrics.ssimY(src, up, 2), j.get("ssim_y").asDouble(), 1e-5);
        assertEquals(Metrics.psnrRgb(src, up, 2), j.get("psnr_rgb").asDouble(), 1e-5);
        assertEquals(Metrics.psnrBY(src, up, 2), j.get("psnr_b_y").asDouble(), 1e-5);
        assertTrue(j.get("psnr_y").asDouble() > 25 && j.get("psnr_y").asDouble() < 45);
    }

    @Test
    void identicalImagesGiveNullPsnr() throws IOException {
        Path ref = SAMPLES.resolve("camera.png");
        Result r = run("image", "compare", ref.toString(), ref.toString());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertTrue(j.get("psnr_y").isNull());
        assertEquals(1.0, j.get("ssim_y").asDouble(), 1e-9);
    }

    @Test
    void resizeByScaleAndBySize() throws Exception {
        Path out = dir.resolve("half.png");
        assertEquals(0, run("image", "resize", "--scale", "0.5", SAMPLES.resolve("coffee.png").toString(),
                out.toString()).code());
        Image half = new ImageDecoder().decode(out);
        assertEquals(200, half.height());
        assertEquals(300, half.width());
        Path sized = dir.resolve("sized.png");
        assertEquals(0, run("image", "resize", "--size", "101x67", SAMPLES.resolve("coffee.png").toString(),
                sized.toString()).code());
        Image s = new ImageDecoder().decode(sized);
        assertEquals(67, s.height());
        assertEquals(101, s.width());
        Result both = run("image", "resize", "--scale", "2", "--size", "3x3", "a.png", "b.png");
        assertEquals(2, both.code());
    }

    @Test
    void jpegWritesARealJpegAtTheQuality() throws Exception {
        Path src = SAMPLES.resolve("astronaut.png");
        Path q10 = dir.resolve("q10.jpg");
        Path q90 = dir.resolve("q90.jpg");
        assertEquals(0, run("image", "jpeg", "--quality", "10", src.toString(), q10.toString()).code());
        assertEquals(0, run("image", "jpeg", "-q", "90", src.toString(), q90.toString()).code());
        byte[] head = Files.readAllBytes(q10);
        assertEquals((byte) 0xff, head[0]);
        assertEquals((byte) 0xd8, head[1]);
        assertTrue(Files.size(q10) < Files.size(q90));
        Image ref = new ImageDecoder().decode(src);
        double p10 = Metrics.psnrY(ref, new ImageDecoder().decode(q10), 0);
        double p90 = Metrics.psnrY(ref, new ImageDecoder().decode(q90), 0);
        assertTrue(p10 > 25 && p10 + 5 < p90, p10 + " vs " + p90);
    }

    @Test
    void unreadableInputsExitTwoWithOneLine() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.png"));
        Path trunc = dir.resolve("trunc.jpg");
        byte[] jpg = Files.readAllBytes(SAMPLES.resolve("rocket.jpg"));
        Files.write(trunc, java.util.Arrays.copyOf(jpg, jpg.length / 3));
        Path text = Files.writeString(dir.resolve("notes.png"), "not an image");
        for (Path bad : List.of(empty, trunc, text, dir.resolve("missing.png"))) {
            Result r = run("image", "compare", bad.toString(), SAMPLES.resolve("camera.png").toString());
            assertEquals(2, r.code(), bad + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains(bad.toString()), r.err());
            assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        }
        Result big = run("image", "resize", "--scale", "0.5", "-D", "taskscale.image.max-pixels=1000",
                SAMPLES.resolve("camera.png").toString(), dir.resolve("x.png").toString());
        assertEquals(2, big.code());
        assertTrue(big.err().contains("over the limit of 1000"), big.err());
    }

    @Test
    void badConfigKeyFailsNamingTheNearestKey() {
        Result r = run("image", "compare", "--set", "taskscale.image.max-pixel=5", "a.png", "b.png");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("did you mean 'taskscale.image.max-pixels'"), r.err());
    }

    @Test
    void showConfigPrintsTheResolvedConfiguration() {
        Result r = run("image", "compare", "--show-config", "-Dtaskscale.image.max-pixels=123", "a.png", "b.png");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("max-pixels=123") || r.out().contains("max-pixels = 123"), r.out());
        Result c = run("config");
        assertEquals(0, c.code());
        assertTrue(c.out().contains("app-name"), c.out());
    }
}
