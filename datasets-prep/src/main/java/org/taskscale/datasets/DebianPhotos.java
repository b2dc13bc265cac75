package org.taskscale.datasets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.taskscale.image.ImageDecoder;
import org.taskscale.image.ImageReadException;
import org.taskscale.io.AtomicWrites;
import org.taskscale.io.Digests;
import org.taskscale.prep.PhotoPatcher;

/**
 * The debian-photos corpus: the photographs that Debian's wallpaper packages and scikit-image's data ship under
 * licences that allow training on them, chosen by eye (photographs only) and listed with their source and licence
 * in {@code debian-photos.tsv}. Anyone can rebuild it with apt-get and this class; nothing is downloaded.
 *
 * <p>It is split once, by the name's hash, with prep's own rule ({@link PhotoPatcher#inValidation}): a prep of
 * {@code OUT/train} and {@code OUT/valid} together at {@link #VALID_FRACTION} puts the same photos in its validation
 * split as the folders do, and {@code OUT/valid} is the folder to evaluate on. The bundled samples (scikit-image's
 * astronaut, camera, chelsea, coffee, brick, grass, gravel and rocket) stay out: they are the photos from outside
 * the corpus that the README's figures are also measured on.
 */
public final class DebianPhotos {
    private DebianPhotos() {}

    /** The share of the photos (by name hash) in the validation split. */
    public static final double VALID_FRACTION = 0.2;

    /** The packages the photos come from, in the order of the apt-get line. */
    public static final List<String> PACKAGES = List.of("mate-backgrounds", "lomiri-wallpapers", "python3-skimage");

    /** One photo: its name in the corpus, the package and path it is installed from, its licence and holder. */
    public record Entry(String name, String pkg, String source, String license, String copyright) {}

    /** A photo as assembled: its entry, split, bytes, size and SHA-256. */
    public record Photo(Entry entry, boolean valid, long bytes, int width, int height, String sha256) {}

    /** What an assembly produced, and what it could not use (one line each). */
    public record Result(List<Photo> photos, List<String> problems, Set<String> missingPackages) {
        public long train() {
            return photos.stream().filter(p -> !p.valid()).count();
        }

        public long valid() {
            return photos.stream().filter(Photo::valid).count();
        }

        public double megapixels() {
            return photos.stream().mapToDouble(p -> (double) p.width() * p.height()).sum() / 1e6;
        }
    }

    /** The listed photos, in the list's order. */
    public static List<Entry> entries() throws IOException {
        List<Entry> out = new ArrayList<>();
        try (InputStream in = DebianPhotos.class.getResourceAsStream("debian-photos.tsv");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                out.add(new Entry(f[0], f[1], f[2], f[3], f[4]));
            }
        }
        return out;
    }

    /**
     * Which of {@code names} go to validation: prep's rule, including its fallback of the smallest hash when the
     * fraction picks none of two or more photos, so that prep at the same fraction splits them the same way.
     */
    static Set<String> validation(List<String> names, double fraction) {
        Set<String> valid = new LinkedHashSet<>();
        for (String n : names) {
            if (PhotoPatcher.inValidation(n, fraction)) {
                valid.add(n);
            }
        }
        if (valid.isEmpty() && fraction > 0 && names.size() >= 2) {
            valid.add(names.stream().min(Comparator.comparingDouble(PhotoPatcher::splitHash)).orElseThrow());
        }
        return valid;
    }

    /**
     * Copies the listed photos found under {@code root} (the filesystem root; tests give another) into
     * {@code out/train} and {@code out/valid}, each published by rename once complete, and writes
     * {@code out/SOURCES.tsv} (name, split, package, source, licence, holder, size, SHA-256) last. A photo already
     * there with the same bytes is kept; one with other bytes is left alone and reported, as is a source that does
     * not decode; the rest go on. Missing packages are collected for one apt-get line.
     */
    public static Result assemble(Path root, Path out, PrintWriter log) throws IOException {
        List<Entry> all = entries();
        List<Entry> found = new ArrayList<>();
        Set<String> missing = new LinkedHashSet<>();
        for (Entry e : all) {
            if (Files.isRegularFile(source(root, e))) {
                found.add(e);
            } else {
                missing.add(e.pkg());
            }
        }
        Set<String> valid = validation(found.stream().map(Entry::name).toList(), VALID_FRACTION);
        List<Photo> photos = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        ImageDecoder decoder = new ImageDecoder();
        for (Entry e : found) {
            byte[] bytes = Files.readAllBytes(source(root, e));
            int[] size;
            try {
                size = decoder.probe(bytes, e.source());
            } catch (ImageReadException x) {
                problems.add(e.source() + " (package " + e.pkg() + ") was skipped: " + x.detail());
                continue;
            }
            boolean isValid = valid.contains(e.name());
            Path target = out.resolve(isValid ? "valid" : "train").resolve(e.name());
            String sha = Digests.sha256(bytes);
            if (Files.exists(target)) {
                if (!Digests.sha256(Files.readAllBytes(target)).equals(sha)) {
                    problems.add(target + " exists with other content than " + e.source() + ", so it was left alone;"
                            + " move it away (or choose another --out) to assemble the corpus there.");
                    continue;
                }
            } else {
                publish(target, bytes);
            }
            photos.add(new Photo(e, isValid, bytes.length, size[0], size[1], sha));
            log.printf(Locale.ROOT, "datasets: %-6s %s (%s, %s)%n", isValid ? "valid" : "train", e.name(), e.pkg(),
                    e.license());
            log.flush();
        }
        for (String p : problems) {
            log.println("datasets: " + p);
        }
        if (!photos.isEmpty()) {
            publish(out.resolve("SOURCES.tsv"), sources(photos).getBytes(StandardCharsets.UTF_8));
        }
        return new Result(photos, problems, missing);
    }

    private static void publish(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(file.toAbsolutePath().toUri());
        AtomicWrites.replace(AtomicWrites.fileSystem(p, new org.apache.hadoop.conf.Configuration()), p, bytes);
    }

    private static Path source(Path root, Entry e) {
        return root.resolve(e.source().substring(1));
    }

    /** The SOURCES.tsv text: one line per photo with its origin and licence, by split and name. */
    static String sources(List<Photo> photos) {
        StringBuilder b = new StringBuilder("name\tsplit\tpackage\tsource\tlicense\tcopyright\twidth\theight\tbytes"
                + "\tsha256\n");
        for (Photo p : photos.stream().sorted(Comparator.comparing((Photo p) -> !p.valid())
                .thenComparing(p -> p.entry().name())).toList()) {
            Entry e = p.entry();
            b.append(String.join("\t", e.name(), p.valid() ? "valid" : "train", e.pkg(), e.source(), e.license(),
                    e.copyright(), String.valueOf(p.width()), String.valueOf(p.height()), String.valueOf(p.bytes()),
                    p.sha256())).append('\n');
        }
        return b.toString();
    }
}
