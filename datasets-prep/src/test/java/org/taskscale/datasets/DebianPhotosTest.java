package org.taskscale.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskscale.config.TaskscaleConfig;
import org.taskscale.io.Manifest;
import org.taskscale.prep.PrepJob;

/**
 * The debian-photos corpus on a stand-in root (the bundled samples installed at the listed paths of some entries):
 * the split is prep's, bad and clashing files are named and the rest goes on, a rerun rewrites nothing.
 */
class DebianPhotosTest {
    static final Path SAMPLES = Path.of("../datasets-prep/samples").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    /** Installs a sample at the paths of the first {@code n} entries; returns their names. */
    List<String> install(Path root, int n) throws Exception {
        String[] samples = {"rocket.jpg", "coffee.png", "chelsea.png", "camera.png", "astronaut.png", "brick.png",
            "grass.png", "gravel.png"};
        List<DebianPhotos.Entry> entries = DebianPhotos.entries().subList(0, n);
        for (int i = 0; i < n; i++) {
            Path at = root.resolve(entries.get(i).source().substring(1));
            Files.createDirectories(at.getParent());
            Files.copy(SAMPLES.resolve(samples[i % samples.length]), at);
        }
        return entries.stream().map(DebianPhotos.Entry::name).toList();
    }

    @Test
    void theListHasOnlyLicensedPhotographsAndNoneOfTheBundledSamples() throws Exception {
        List<DebianPhotos.Entry> all = DebianPhotos.entries();
        assertTrue(all.size() >= 25, "photos listed: " + all.size());
        assertEquals(all.size(), all.stream().map(DebianPhotos.Entry::name).distinct().count(), "unique names");
        for (DebianPhotos.Entry e : all) {
            assertTrue(e.license().matches("GPL-2\\+|CC-BY(-SA)?-[34]\\.0|CC0-1\\.0|public domain.*"), e.toString());
            assertTrue(!e.copyright().isBlank() && e.source().startsWith("/usr/"), e.toString());
            try (Stream<Path> s = Files.list(SAMPLES)) {
                assertTrue(s.noneMatch(p -> p.getFileName().toString().equals(e.name())), e.name() + " is a bundled sample");
            }
        }
    }

    @Test
    void assemblesWhatIsInstalledNamesWhatIsNotAndSplitsAsPrepDoes() throws Exception {
        Path root = dir.resolve("root");
        List<String> names = install(root, 12);
        // a source that is not an image: named, skipped, the rest goes on
        DebianPhotos.Entry broken = DebianPhotos.entries().get(12);
        Path brokenAt = root.resolve(broken.source().substring(1));
        Files.createDirectories(brokenAt.getParent());
        Files.write(brokenAt, new byte[] {1, 2, 3, 4});
        Path out = dir.resolve("corpus");
        Files.createDirectories(out);
        Files.writeString(out.resolve("notes.txt"), "mine");
        StringWriter log = new StringWriter();
        DebianPhotos.Result r = DebianPhotos.assemble(root, out, new PrintWriter(log));
        assertEquals(12, r.photos().size(), log.toString());
        assertEquals(1, r.problems().size(), r.problems().toString());
        assertTrue(r.problems().get(0).contains(broken.source()) && r.problems().get(0).contains("skipped"),
                r.problems().get(0));
        assertTrue(r.missingPackages().contains("lomiri-wallpapers-16.04"), r.missingPackages().toString());
        assertTrue(r.valid() >= 1 && r.train() >= 1, r.valid() + " valid");
        assertEquals("mine", Files.readString(out.resolve("notes.txt")));
        List<String> sources = Files.readAllLines(out.resolve("SOURCES.tsv"));
        assertEquals(13, sources.size());
        assertTrue(sources.get(1).split("\t")[1].equals("valid") && sources.get(1).contains("GPL-2+"), sources.get(1));

        // prep of the two folders at the corpus's fraction puts the same photos in its validation split
        Path prepOut = dir.resolve("prep");
        Map<String, String> o = new HashMap<>();
        o.put("taskscale.prep.inputs", "[\"" + out.resolve("train").toUri() + "\", \"" + out.resolve("valid").toUri() + "\"]");
        o.put("taskscale.prep.output", "\"" + prepOut.toUri() + "\"");
        o.put("taskscale.prep.patch-size", "16");
        o.put("taskscale.prep.patches-per-image", "1");
        o.put("taskscale.prep.minibatch", "4");
        o.put("taskscale.prep.valid-fraction", String.valueOf(DebianPhotos.VALID_FRACTION));
        Manifest m;
        try (JavaSparkContext jsc = new JavaSparkContext(new SparkConf().setAppName("corpus-test").setMaster("local[1]")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"))) {
            m = PrepJob.run(TaskscaleConfig.load(null, o), jsc, new PrintWriter(new StringWriter()));
        }
        TreeSet<String> validFolder;
        try (Stream<Path> s = Files.list(out.resolve("valid"))) {
            validFolder = s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(validFolder, new TreeSet<>(m.contents().validPhotos().stream()
                .map(k -> k.substring(k.lastIndexOf('/') + 1)).toList()));
        assertEquals(12, m.contents().counts().get("accepted"));

        // a rerun rewrites nothing; a file that is not the photo is left alone and named
        Path first = out.resolve(validFolder.contains(names.get(0)) ? "valid" : "train").resolve(names.get(0));
        long stamp = Files.getLastModifiedTime(first).toMillis();
        Path clash = out.resolve(validFolder.contains(names.get(1)) ? "valid" : "train").resolve(names.get(1));
        Files.write(clash, new byte[] {9, 9, 9});
        Thread.sleep(20);
        DebianPhotos.Result again = DebianPhotos.assemble(root, out, new PrintWriter(new StringWriter()));
        assertEquals(stamp, Files.getLastModifiedTime(first).toMillis());
        assertArrayEquals(new byte[] {9, 9, 9}, Files.readAllBytes(clash));
        assertEquals(11, again.photos().size());
        assertTrue(again.problems().stream().anyMatch(p -> p.contains(clash.toString()) && p.contains("left alone")),
                again.problems().toString());
    }
}
