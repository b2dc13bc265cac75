package org.taskscale.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskscale.config.ConfigException;
import org.taskscale.config.TaskscaleConfig;
import org.taskscale.image.Bicubic;
import org.taskscale.image.Image;
import org.taskscale.image.ImageDecoder;
import org.taskscale.image.Metrics;
import org.taskscale.io.ModelFile;
import org.taskscale.models.ModelConfig;
import org.taskscale.models.ModelRegistry;
import org.taskscale.tasks.Tasks;

/** Evaluation: the protocol's baseline, the eval.json / eval.csv / report.html contract, the Spark sweep. */
class EvalJobTest {
    @TempDir
    Path dir;

    static final Path SAMPLES = Path.of("../datasets-prep/samples").toAbsolutePath().normalize();

    Path photos(String name, String... files) throws Exception {
        Path images = dir.resolve(name);
        Files.createDirectories(images);
        for (String f : files) {
            Files.copy(SAMPLES.resolve(f), images.resolve(f));
        }
        return images;
    }

    static void save(ModelConfig m, Path file) throws Exception {
        Files.createDirectories(file.getParent());
        Files.write(file, ModelFile.bytes(ModelRegistry.build(m), ModelFile.Info.of(m), false));
    }

    @Test
    void oneModelOnWholeImagesAgainstBicubic() throws Exception {
        Path images = photos("photos", "chelsea.png", "coffee.png");
        Files.writeString(images.resolve("notes.txt"), "ignored");
        Path model = dir.resolve("model.zip");
        // a plain DL4J zip (no taskscale entry): the task and scale come from the command line
        ModelSerializer.writeModel(ModelRegistry.build(ModelConfig.defaults("aetad-skip").withSize(8, 1)), model.toFile(), true);
        Config c = TaskscaleConfig.defaults();
        StringWriter log = new StringWriter();
        EvalConfig cfg = EvalConfig.single(c.withValue("taskscale.eval.out",
                        com.typesafe.config.ConfigValueFactory.fromAnyRef(dir.resolve("out").toString())),
                model.toString(), images.toString(), Tasks.RESCALE, 2, 10);
        EvalJob.Result res = EvalJob.run(cfg, null, new Configuration(), "test", new PrintWriter(log));
        assertEquals(2, res.rows().size());
        // baseline: MATLAB bicubic /2 to 8 bits, x2 back to the (even-cropped) size, PSNR-Y with 2 pixels shaved
        Image hr = new ImageDecoder().decode(SAMPLES.resolve("chelsea.png")).modCrop(2);
        Image up = Bicubic.resizeTo(Bicubic.resize(hr, 0.5).quantized8(), hr.height(), hr.width()).quantized8();
        ImageEvaluator.Row chelsea = res.rows().get(0);
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
        JsonNode s = doc.get("summary").get(0);
        assertEquals(2, s.get("images").asInt());
        assertEquals((res.rows().get(0).psnrY() + res.rows().get(1).psnrY()) / 2, s.get("psnr_y").asDouble(), 1e-9);
        assertEquals(3, Files.readAllLines(dir.resolve("out/eval.csv")).size());
        String html = Files.readString(dir.resolve("out/report.html"));
        assertTrue(html.contains("<table id=\"summary\"") && html.contains("chelsea.png"), "report has the table and crops");
        assertEquals(2 * 4, html.split("data:image/png;base64,", -1).length - 1, "HR, baseline, ours and LR crops of 2 images");
        assertTrue(!html.contains("http://") || html.indexOf("http://") == html.indexOf("http://www.w3.org/2000/svg"),
                "self-contained: nothing fetched");
    }

    @Test
    void lrJpegStoresBothLrImagesAsJpegsAndEveryRowHasRgbPsnr() throws Exception {
        Path images = photos("photos", "chelsea.png");
        Path model = dir.resolve("model.zip");
        save(ModelConfig.defaults("aetad-skip").withSize(8, 1), model);
        Config c = TaskscaleConfig.defaults()
                .withValue("taskscale.eval.out", com.typesafe.config.ConfigValueFactory.fromAnyRef(dir.resolve("out").toString()))
                .withValue("taskscale.eval.lr-jpeg", com.typesafe.config.ConfigValueFactory.fromIterable(List.of(0, 30)));
        StringWriter log = new StringWriter();
        EvalJob.Result res = EvalJob.run(EvalConfig.single(c, model.toString(), images.toString(), null, 0, 10), null,
                new Configuration(), "test", new PrintWriter(log));
        assertEquals(2, res.rows().size(), log.toString());
        ImageEvaluator.Row plain = res.rows().get(0);
        ImageEvaluator.Row shared = res.rows().get(1);
        assertEquals(null, plain.lrJpeg());
        assertEquals(30, shared.lrJpeg());
        // the baseline's bicubic LR, rounded to 8 bits, through a real JPEG file of quality 30, then bicubic up
        Image hr = new ImageDecoder().decode(SAMPLES.resolve("chelsea.png")).modCrop(2);
        Image lr = Bicubic.resize(hr, 0.5).quantized8();
        Image lrJpeg = new ImageDecoder().decode(org.taskscale.image.ImageEncoder.jpeg(lr, 30), "lr.jpg");
        Image up = Bicubic.resizeTo(lrJpeg, hr.height(), hr.width()).quantized8();
        assertEquals(Metrics.psnrY(hr, up, 2), shared.baselinePsnrY(), 1e-9);
        assertEquals(Metrics.psnrRgb(hr, up, 2), shared.baselinePsnrRgb(), 1e-9);
        assertTrue(shared.baselinePsnrY() < plain.baselinePsnrY() - 0.5, plain + " / " + shared);
        // the learned LR itself (the preview) is the same; what the upscaler saw was not
        assertEquals(plain.lrPsnrY(), shared.lrPsnrY(), 1e-12);
        assertTrue(Math.abs(plain.psnrY() - shared.psnrY()) > 1e-3, plain + " / " + shared);
        assertTrue(plain.psnrRgb() > 5 && plain.psnrRgb() < 60, plain.toString());
        JsonNode doc = new ObjectMapper().readTree(dir.resolve("out/eval.json").toFile());
        assertEquals(2, doc.get("summary").size(), "each LR quality is a setting of its own");
        assertEquals(30, doc.get("results").get(1).get("lr_jpeg").asInt());
        assertTrue(doc.get("results").get(0).get("psnr_rgb").isNumber());
        assertTrue(log.toString().contains("x2 lr-q30"), log.toString());

        // a model with no LR image says so and is evaluated as it is
        Path srcnn = dir.resolve("srcnn.zip");
        save(ModelConfig.defaults("srcnn").withSize(8, 1).withScale(2), srcnn);
        StringWriter log2 = new StringWriter();
        EvalJob.Result sr = EvalJob.run(EvalConfig.single(c.withValue("taskscale.eval.out",
                        com.typesafe.config.ConfigValueFactory.fromAnyRef(dir.resolve("out2").toString())),
                srcnn.toString(), images.toString(), null, 0, 10), null, new Configuration(), "test", new PrintWriter(log2));
        assertEquals(1, sr.rows().size());
        assertTrue(log2.toString().contains("no LR image to store as a JPEG"), log2.toString());
        ConfigException bad = assertThrows(ConfigException.class, () -> EvalConfig.from(c.withValue(
                "taskscale.eval.lr-jpeg", com.typesafe.config.ConfigValueFactory.fromIterable(List.of(101)))
                .withValue("taskscale.eval.checkpoints", com.typesafe.config.ConfigValueFactory.fromIterable(List.of("m.zip")))
                .withValue("taskscale.eval.datasets", com.typesafe.config.ConfigValueFactory.fromMap(java.util.Map.of("a", "b")))));
        assertTrue(bad.getMessage().contains("taskscale.eval.lr-jpeg"), bad.getMessage());
    }

    @Test
    void theSweepCoversCheckpointsDatasetsAndScalesOnSpark() throws Exception {
        Path setA = photos("setA", "chelsea.png", "camera.png");
        Path setB = photos("setB", "coffee.png");
        Files.write(setB.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        // a run directory: two complete checkpoints, one without its state (incomplete), model.zip, metrics.csv
        Path run = dir.resolve("runs/srcnn-x2");
        ModelConfig srcnn = ModelConfig.defaults("srcnn").withSize(8, 1).withScale(2);
        save(srcnn, run.resolve("checkpoints/iter-0000000010.zip"));
        Files.writeString(run.resolve("checkpoints/iter-0000000010.json"), "{}");
        save(srcnn, run.resolve("checkpoints/iter-0000000020.zip"));
        save(srcnn, run.resolve("model.zip"));
        Files.writeString(run.resolve("metrics.csv"), "iteration,epoch,loss,learning_rate,samples_per_s,valid_psnr_y,"
                + "valid_ssim_y,baseline_psnr_y,baseline_ssim_y,lr_psnr_y\n10,1,0.05,0.001,50,,,,,\n20,1,0.03,0.001,50,,,,,\n"
                + "20,1,,,,30.5,0.9,30.1,0.89,\n");
        Path edsr = dir.resolve("edsr.zip");
        save(ModelConfig.defaults("edsr").withSize(8, 1).withScale(2), edsr);
        Config c = ConfigFactory.parseString("taskscale.eval { checkpoints = [\"" + run + "\", \"" + edsr + "\"]\n"
                + " all-checkpoints = true\n datasets { a = \"" + setA + "\", b = \"" + setB + "\" }\n scales = [2, 3]\n"
                + " out = \"" + dir.resolve("sweep") + "\"\n tile = 64\n crops = 1\n partitions = 4 }").withFallback(TaskscaleConfig.defaults())
                .resolve();
        EvalConfig cfg = EvalConfig.from(c);
        StringWriter log = new StringWriter();
        // a sweep killed after one task: its results file is there, and the rerun takes it instead of evaluating
        org.apache.hadoop.conf.Configuration hconf = new org.apache.hadoop.conf.Configuration();
        List<ImageEvaluator.Item> items = EvalJob.plan(cfg, hconf, new PrintWriter(new StringWriter()));
        List<ImageEvaluator.Item> first = EvalJob.tasks(items, 4).get(0);
        List<ImageEvaluator.Outcome> planted = new java.util.ArrayList<>();
        for (ImageEvaluator.Item it : first) {
            planted.add(it.image().equals("broken.png") ? new ImageEvaluator.Outcome(it, null, null, "planted: unreadable")
                    : new ImageEvaluator.Outcome(it, new ImageEvaluator.Row(it.checkpoint(), it.dataset(), it.image(),
                    "sr", it.scale(), null, null, 77.7, 0.5, 30, 0.9, Double.NaN, Double.NaN, 70.0, 29.0), null, null));
        }
        org.apache.hadoop.fs.Path parts = new org.apache.hadoop.fs.Path(dir.resolve("sweep").toUri().toString(), EvalJob.PARTS);
        EvalJob.writePart(parts.getFileSystem(hconf), new org.apache.hadoop.fs.Path(parts,
                EvalJob.partName(first, EvalJob.stamps(items, hconf))), planted);
        EvalJob.Result res;
        try (JavaSparkContext jsc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("eval-test")
                .set("spark.ui.enabled", "false").set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", org.taskscale.spark.RecordKryoRegistrator.REGISTRATORS))) {
            res = EvalJob.run(cfg, jsc, jsc.hadoopConfiguration(), "sweep", new PrintWriter(log));
        }
        // srcnn: 2 checkpoints (iter-10, model.zip) x 2 scales x 3 images; edsr x2 only: 3 images
        assertEquals(2 * 2 * 3 + 3, res.rows().size(), log.toString());
        assertTrue(log.toString().contains("(1 finished before: reused)"), log.toString());
        assertEquals(first.stream().filter(it -> !it.image().equals("broken.png")).count(),
                res.rows().stream().filter(r -> r.psnrY() == 77.7).count(), "the planted task's rows, and only those");
        assertFalse(Files.exists(dir.resolve("sweep").resolve(EvalJob.PARTS)), "task results removed once written");
        assertEquals(2 * 2 * 1 + 1, res.skipped().size(), "the broken file once per evaluation: " + res.skipped());
        assertTrue(res.skipped().get(0).contains("broken.png"), res.skipped().toString());
        assertTrue(log.toString().contains("not evaluated at x3"), log.toString());
        assertEquals(2 * 2 * 2 + 2, res.summary().size(), "checkpoint x dataset x scale groups");
        assertTrue(res.rows().stream().noneMatch(r -> r.checkpoint().contains("iter-0000000020")), "incomplete skipped");
        for (ImageEvaluator.Row r : res.rows()) {
            assertTrue((r.psnrY() > 5 && r.baselinePsnrY() > 20) || r.psnrY() == 77.7, r.toString());
        }
        String html = Files.readString(dir.resolve("sweep/report.html"));
        assertTrue(html.contains("srcnn-x2</h3>") && html.contains("<polyline"), "training curves from metrics.csv");
        // crops of the first image of each dataset and setting: model.zip (2 scales x 2 datasets) and edsr.zip (1 x 2);
        // broken.png comes first in set b: its crops are lost with it; SR crops: HR, baseline, ours
        assertEquals(3 * 3, html.split("data:image/png;base64,", -1).length - 1);
    }

    @Test
    void sweepTasksHoldOneCheckpointEachLargestFirstAndCoverEveryItemOnce() {
        List<ImageEvaluator.Item> items = new java.util.ArrayList<>();
        java.util.Random r = new java.util.Random(5);
        for (int c = 0; c < 10; c++) {
            for (int i = 0; i < 50; i++) {
                items.add(new ImageEvaluator.Item("ckpt-" + c + ".zip", "d", "/p/" + i + ".png", i + ".png",
                        org.taskscale.tasks.Tasks.parse("sr", "t"), 2, 10, 0, false, 1000 + r.nextInt(1_000_000)));
            }
        }
        List<List<ImageEvaluator.Item>> tasks = EvalJob.tasks(items, 8);
        assertEquals(10, tasks.size(), "at least 8 tasks, one checkpoint each: one per checkpoint here");
        List<List<ImageEvaluator.Item>> finer = EvalJob.tasks(items, 40);
        assertEquals(40, finer.size());
        for (List<List<ImageEvaluator.Item>> ts : List.of(tasks, finer)) {
            java.util.Set<ImageEvaluator.Item> seen = new java.util.HashSet<>();
            long previous = Long.MAX_VALUE;
            for (List<ImageEvaluator.Item> t : ts) {
                assertEquals(1, t.stream().map(ImageEvaluator.Item::checkpoint).distinct().count());
                long bytes = t.stream().mapToLong(ImageEvaluator.Item::bytes).sum();
                assertTrue(bytes <= previous, "tasks in decreasing bytes");
                previous = bytes;
                t.forEach(it -> assertTrue(seen.add(it), "an item twice: " + it));
            }
            assertEquals(items.size(), seen.size());
        }
        // dealt round-robin from largest: a checkpoint's 4 tasks differ in bytes by at most one image's size
        long spread = finer.stream().filter(t -> t.get(0).checkpoint().equals("ckpt-3.zip"))
                .mapToLong(t -> t.stream().mapToLong(ImageEvaluator.Item::bytes).sum()).max().orElseThrow()
                - finer.stream().filter(t -> t.get(0).checkpoint().equals("ckpt-3.zip"))
                .mapToLong(t -> t.stream().mapToLong(ImageEvaluator.Item::bytes).sum()).min().orElseThrow();
        assertTrue(spread <= 1_001_000, "spread " + spread);
        // 10 checkpoints x 500 images: however few tasks are asked for, none holds more than 50 images
        List<ImageEvaluator.Item> large = new java.util.ArrayList<>();
        for (int c = 0; c < 10; c++) {
            for (int i = 0; i < 500; i++) {
                large.add(new ImageEvaluator.Item("ckpt-" + c + ".zip", "d", "/p/" + i + ".png", i + ".png",
                        org.taskscale.tasks.Tasks.parse("sr", "t"), 2, 10, 0, false, 1000 + r.nextInt(1_000_000)));
            }
        }
        List<List<ImageEvaluator.Item>> capped = EvalJob.tasks(large, 8);
        assertEquals(10 * 10, capped.size());
        assertTrue(capped.stream().allMatch(t -> t.size() == EvalJob.MAX_TASK_IMAGES), "50 images a task");
        assertEquals(large.size(), capped.stream().mapToInt(List::size).sum());
    }

    @Test
    void aBadBlockFailsNamingTheKey() {
        Config c = ConfigFactory.parseString("taskscale.eval { checkpoints = [\"m.zip\"], datasets { a = \"x\" },"
                + " scales = [0] }").withFallback(TaskscaleConfig.defaults()).resolve();
        ConfigException e = assertThrows(ConfigException.class, () -> EvalConfig.from(c));
        assertTrue(e.getMessage().contains("taskscale.eval.scales"), e.getMessage());
        Config d = ConfigFactory.parseString("taskscale.eval { checkpoints = [] }").withFallback(TaskscaleConfig.defaults())
                .resolve();
        e = assertThrows(ConfigException.class, () -> EvalConfig.from(d));
        assertTrue(e.getMessage().contains("taskscale.eval.checkpoints"), e.getMessage());
    }
}
