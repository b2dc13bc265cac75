package org.taskscale.prep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.taskscale.config.ConfigException;
import org.taskscale.config.TaskscaleConfig;
import org.taskscale.io.Manifest;

/** The prep job on local Spark: bad input, determinism across partitionings, the output's shape and reuse. */
class PrepJobTest {
    @TempDir
    Path dir;

    static JavaSparkContext spark(String master) {
        return new JavaSparkContext(new SparkConf().setAppName("prep-test").setMaster(master)
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                // as deploy/submit runs it: Kryo, with our registrator for records (ND4J's is not on this module's path)
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", org.taskscale.spark.RecordKryoRegistrator.class.getName()));
    }

    static Config config(Path in, Path out, Map<String, String> more) {
        Map<String, String> o = new HashMap<>();
        o.put("taskscale.prep.inputs", "[\"" + in.toUri() + "\"]");
        o.put("taskscale.prep.output", "\"" + out.toUri() + "\"");
        o.put("taskscale.prep.patch-size", "16");
        o.put("taskscale.prep.patches-per-image", "3");
        o.put("taskscale.prep.minibatch", "4");
        o.put("taskscale.prep.valid-fraction", "0.3");
        o.putAll(more);
        return TaskscaleConfig.load(null, o);
    }

    static Manifest run(Config c, String master) throws Exception {
        try (JavaSparkContext jsc = spark(master)) {
            return PrepJob.run(c, jsc, new PrintWriter(new StringWriter()));
        }
    }

    /** Every batch file of an output, by relative path, with its bytes. */
    static Map<String, byte[]> batches(Path out) throws Exception {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(out)) {
            for (Path p : s.filter(p -> p.getFileName().toString().matches("batch-\\d+\\.bin")).toList()) {
                m.put(out.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    @Test
    void mixedCorpusCompletesWithCountsReconciledAndEveryBadFileNamed() throws Exception {
        Path in = dir.resolve("in");
        Map<String, String> bad = Corpus.write(in);
        Path out = dir.resolve("out");
        Manifest m = run(config(in, out, Map.of("taskscale.prep.task", "jpeg")), "local[2]");
        Map<String, Long> c = m.contents().counts();
        long inputs = 3 + bad.size() + 7;  // photos, bad files, odd files
        assertEquals(inputs, c.get("inputs"));
        assertEquals(c.get("inputs"), c.get("accepted") + c.get("rejected"));
        assertEquals(bad.size(), c.get("rejected"), "rejects: " + Files.readString(out.resolve("rejects.csv")));
        assertEquals(1, c.get("ignored"));
        assertEquals(3 * c.get("accepted"), c.get("patches"));
        assertEquals(c.get("patches"), c.get("train-patches") + c.get("valid-patches"));
        assertEquals(c.get("valid-photos"), m.contents().validPhotos().size(), "the validation photos are listed");
        List<String> rejects = Files.readAllLines(out.resolve("rejects.csv"));
        assertEquals("path,reason,detail", rejects.get(0));
        for (Map.Entry<String, String> e : bad.entrySet()) {
            assertTrue(rejects.stream().anyMatch(l -> l.contains("/" + e.getKey() + ",") && l.contains("," + e.getValue() + ",")),
                    e.getKey() + " should be rejected as " + e.getValue() + ": " + rejects);
        }
        // the files hold the counted patches, as MultiDataSets of the manifest's shapes
        long seen = 0;
        for (Map.Entry<String, byte[]> e : batches(out).entrySet()) {
            MultiDataSet mds = new MultiDataSet();
            mds.load(new ByteArrayInputStream(e.getValue()));
            long n = mds.getFeatures(0).size(0);
            assertTrue(n >= 1 && n <= 4, e.getKey());
            assertArrayEquals(new long[] {n, 16, 16, 3}, mds.getFeatures(0).shape());
            assertArrayEquals(new long[] {n, 16, 16, 3}, mds.getLabels(0).shape());
            seen += n;
        }
        assertEquals(c.get("patches"), seen);
        assertEquals("JPEG_RESTORATION", Manifest.parse(Files.readString(out.resolve("manifest.json"))).settings().modelTask());
    }

    @Test
    void sameSeedGivesIdenticalFilesOnOneOrTwoCoresAndAnyPartitioning() throws Exception {
        Path in = dir.resolve("in");
        Corpus.write(in);
        Map<String, String> rescale = Map.of("taskscale.prep.task", "rescale", "taskscale.prep.seed", "7");
        Manifest ma = run(config(in, dir.resolve("a"), rescale), "local[1]");
        Map<String, String> more = new HashMap<>(rescale);
        more.put("taskscale.prep.partitions", "5");
        Manifest mb = run(config(in, dir.resolve("b"), more), "local[2]");
        // the manifest's figures too, to the last digit (channel sums are exact whatever order tasks end in)
        assertEquals(ma.contents().inputChannelMean(), mb.contents().inputChannelMean());
        assertEquals(ma.contents().counts(), mb.contents().counts());
        Map<String, byte[]> a = batches(dir.resolve("a"));
        Map<String, byte[]> b = batches(dir.resolve("b"));
        assertEquals(a.keySet(), b.keySet());
        assertTrue(a.size() >= 3, "files: " + a.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), b.get(k), k + " differs between local[1] and local[2] with 5 partitions");
        }
        assertEquals(Files.readString(dir.resolve("a/rejects.csv")), Files.readString(dir.resolve("b/rejects.csv")));
        // the same collection stored elsewhere gives the same files (randomness follows paths relative to the input)
        Path moved = dir.resolve("elsewhere/deeper/photos");
        Corpus.copyTree(in, moved);
        run(config(moved, dir.resolve("m"), rescale), "local[2]");
        Map<String, byte[]> mv = batches(dir.resolve("m"));
        assertEquals(a.keySet(), mv.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), mv.get(k), k + " differs when the photos are stored elsewhere");
        }
        // another seed gives other patches
        Map<String, String> other = Map.of("taskscale.prep.task", "rescale", "taskscale.prep.seed", "8");
        run(config(in, dir.resolve("c"), other), "local[2]");
        Map<String, byte[]> c = batches(dir.resolve("c"));
        assertTrue(c.keySet().stream().anyMatch(k -> !java.util.Arrays.equals(c.get(k), a.get(k))));
    }

    @Test
    void photosAreHandedOutLargestFirstThenInKeyOrder() {
        // (file size, ordinal) of photos a..e; unknown sizes (-1: list-file entries) go last
        long[] sizes = {10, 300, -1, 300, 20};
        List<scala.Tuple2<Long, Long>> order = new java.util.ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            order.add(new scala.Tuple2<>(sizes[i], (long) i));
        }
        order.sort(new PrepJob.LargestFirst());
        assertEquals(List.of(1L, 3L, 4L, 0L, 2L), order.stream().map(scala.Tuple2::_2).toList());
    }

    @Test
    void refusesAnExistingOutputUnlessOverwriteAndChecksConfigBeforeSpark() throws Exception {
        Path in = dir.resolve("in");
        Files.createDirectories(in);
        Files.copy(Corpus.SAMPLES.resolve("astronaut.png"), in.resolve("a.png"));
        Path out = dir.resolve("out");
        run(config(in, out, Map.of()), "local[1]");
        ConfigException e = assertThrows(ConfigException.class, () -> run(config(in, out, Map.of()), "local[1]"));
        assertTrue(e.getMessage().contains("overwrite"), e.getMessage());
        run(config(in, out, Map.of("taskscale.prep.overwrite", "true")), "local[1]");
        ConfigException bad = assertThrows(ConfigException.class,
                () -> PrepConfig.from(config(in, out, Map.of("taskscale.prep.patch-size", "15",
                        "taskscale.prep.task", "sr"))));
        assertTrue(bad.getMessage().contains("taskscale.prep.patch-size"), bad.getMessage());
        ConfigException task = assertThrows(ConfigException.class,
                () -> PrepConfig.from(config(in, out, Map.of("taskscale.prep.task", "deblur"))));
        assertTrue(task.getMessage().contains("deblur") && task.getMessage().contains("color-embed"), task.getMessage());
    }

    @Test
    void overwriteNeverDeletesPhotosOrFoldersPrepDidNotWrite() throws Exception {
        Path in = dir.resolve("photos");
        Files.createDirectories(in.resolve("sub"));
        Files.copy(Corpus.SAMPLES.resolve("astronaut.png"), in.resolve("sub/a.png"));
        Map<String, String> overwrite = Map.of("taskscale.prep.overwrite", "true");
        // the output is the input, a folder above it, or one inside it: refused before anything is touched
        for (Path out : List.of(in, dir, in.resolve("sub"), in.resolve("sub/prep"))) {
            ConfigException e = assertThrows(ConfigException.class, () -> run(config(in, out, overwrite), "local[1]"));
            assertTrue(e.getMessage().contains(out.toUri().getPath().replaceAll("/$", ""))
                    && e.getMessage().contains("photos") && e.getMessage().contains("taskscale.prep.inputs"), e.getMessage());
            assertTrue(Files.isRegularFile(in.resolve("sub/a.png")), "the photo is still there");
        }
        // the same through a symbolic link to the photos
        Path link = Files.createSymbolicLink(dir.resolve("link"), in);
        assertThrows(ConfigException.class, () -> run(config(link, in, overwrite), "local[1]"));
        assertTrue(Files.isRegularFile(in.resolve("sub/a.png")));
        // an existing folder that prep did not write is never deleted
        Path other = dir.resolve("other");
        Files.createDirectories(other);
        Files.writeString(other.resolve("notes.txt"), "mine");
        ConfigException e = assertThrows(ConfigException.class, () -> run(config(in, other, overwrite), "local[1]"));
        assertTrue(e.getMessage().contains("not a prep output"), e.getMessage());
        assertEquals("mine", Files.readString(other.resolve("notes.txt")));
        // a prep output is replaced; one where the user put a file of their own is not
        Path out = dir.resolve("out");
        run(config(in, out, Map.of()), "local[1]");
        assertTrue(Files.exists(out.resolve(PrepJob.MARKER)));
        run(config(in, out, overwrite), "local[1]");
        Files.writeString(out.resolve("train/keep.txt"), "mine");
        e = assertThrows(ConfigException.class, () -> run(config(in, out, overwrite), "local[1]"));
        assertTrue(e.getMessage().contains("keep.txt"), e.getMessage());
        assertEquals("mine", Files.readString(out.resolve("train/keep.txt")));
        // an output written before the marker existed is recognised by its manifest; a killed run's by the marker
        Files.delete(out.resolve("train/keep.txt"));
        Files.delete(out.resolve(PrepJob.MARKER));
        run(config(in, out, overwrite), "local[1]");
        Files.delete(out.resolve(Manifest.FILE));
        run(config(in, out, overwrite), "local[1]");
        assertTrue(Files.exists(out.resolve(Manifest.FILE)));
    }
}
