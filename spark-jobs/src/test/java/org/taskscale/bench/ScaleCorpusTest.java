package org.taskscale.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskscale.image.Image;
import org.taskscale.image.ImageDecoder;

class ScaleCorpusTest {
    private static final Path SAMPLES = Path.of("..", "datasets-prep", "samples");

    private static List<Image> sources() throws Exception {
        ImageDecoder d = new ImageDecoder();
        return List.of(d.decode(SAMPLES.resolve("chelsea.png")), d.decode(SAMPLES.resolve("coffee.png")),
                d.decode(SAMPLES.resolve("gravel.png")));
    }

    @Test
    void plansCoverTheArchiveRangeOfSizesAspectsAndQualities() {
        int portrait = 0;
        int small = 0;
        int large = 0;
        Set<Integer> qualities = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ScaleCorpus.Plan p = ScaleCorpus.plan(7, i);
            double mp = p.pixels() / 1e6;
            assertTrue(mp >= 0.49 && mp <= 12.1, "photo " + i + " has " + mp + " megapixels");
            assertTrue(p.quality() >= 60 && p.quality() <= 98, "quality " + p.quality());
            qualities.add(p.quality());
            portrait += p.height() > p.width() ? 1 : 0;
            small += mp < 1 ? 1 : 0;
            large += mp > 8 ? 1 : 0;
        }
        assertEquals(39, qualities.size());
        // log-uniform over 0.5..12 MP: P(< 1 MP) = ln 2 / ln 24 = 0.22, P(> 8 MP) = ln 1.5 / ln 24 = 0.13
        assertTrue(Math.abs(small / 10_000.0 - 0.218) < 0.02, "share below 1 MP: " + small);
        assertTrue(Math.abs(large / 10_000.0 - 0.128) < 0.02, "share above 8 MP: " + large);
        assertTrue(portrait > 2_000 && portrait < 3_000, "portrait photos: " + portrait);
        assertEquals(ScaleCorpus.plan(7, 123), ScaleCorpus.plan(7, 123));
        assertFalse(ScaleCorpus.plan(7, 123).equals(ScaleCorpus.plan(8, 123)));
    }

    @Test
    void photosAreDeterministicDistinctAndOfThePlannedSizeAndQuality() throws Exception {
        List<Integer> smallest = new ArrayList<>();
        for (int i = 0; smallest.size() < 3; i++) {
            if (ScaleCorpus.plan(3, i).pixels() < 900_000) {
                smallest.add(i);
            }
        }
        ScaleCorpus corpus = new ScaleCorpus(sources(), 3);
        ScaleCorpus again = new ScaleCorpus(sources(), 3);
        Set<java.nio.ByteBuffer> distinct = new HashSet<>();
        for (int i : smallest) {
            byte[] jpeg = corpus.make(i);
            assertArrayEquals(jpeg, again.make(i), "photo " + i + " differs between two makers with one seed");
            distinct.add(java.nio.ByteBuffer.wrap(jpeg));
            Image img = new ImageDecoder().decode(jpeg, "photo " + i);
            ScaleCorpus.Plan p = ScaleCorpus.plan(3, i);
            assertEquals(p.width(), img.width());
            assertEquals(p.height(), img.height());
            // a photo, not a flat fill: the grain and the pieces give every row variation
            float[] d = img.data();
            double mean = 0;
            for (float v : d) {
                mean += v;
            }
            mean /= d.length;
            double var = 0;
            for (float v : d) {
                var += (v - mean) * (v - mean);
            }
            assertTrue(Math.sqrt(var / d.length) > 10, "photo " + i + " is nearly flat");
        }
        assertEquals(3, distinct.size());
    }

    @Test
    void generationWritesTheListFileLastAndResumesWithoutRemakingPhotos(@TempDir Path dir) throws Exception {
        ScaleCorpus corpus = new ScaleCorpus(sources(), 11);
        StringWriter log = new StringWriter();
        // a run cut short: only photo 0 exists, plus an abandoned temporary
        Path first = ScaleCorpus.photoPath(dir, 0);
        Files.createDirectories(first.getParent());
        Files.write(first, corpus.make(0));
        Files.writeString(first.resolveSibling(".photo-0000001.jpg.tmp"), "cut short");
        long firstModified = Files.getLastModifiedTime(first).toMillis();
        ScaleCorpus.Summary s = corpus.generate(dir, 4, 2, new PrintWriter(log));
        assertEquals(4, s.photos());
        assertEquals(3, s.made());
        assertEquals(firstModified, Files.getLastModifiedTime(first).toMillis());
        List<String> lines = Files.readAllLines(dir.resolve("photos.txt"));
        assertEquals(4, lines.size());
        for (int i = 0; i < 4; i++) {
            Path p = Path.of(lines.get(i));
            assertTrue(p.isAbsolute() && Files.size(p) > 1000, lines.get(i));
            assertEquals(ScaleCorpus.photoPath(dir, i).toAbsolutePath(), p);
        }
        assertTrue(log.toString().contains("corpus: 4/4 photos (100%), 3 made"), log.toString());
    }

    @Test
    void aListingNamesDistinctPathsThatDoNotExist(@TempDir Path dir) throws Exception {
        Path file = ScaleCorpus.listing(dir, 2_500);
        List<String> lines = Files.readAllLines(file);
        assertEquals(2_500, lines.size());
        assertEquals(2_500, new HashSet<>(lines).size());
        assertTrue(lines.get(2_499).endsWith("/listing/0002/photo-0002499.jpg"), lines.get(2_499));
        assertFalse(Files.exists(Path.of(lines.get(0))));
    }
}
