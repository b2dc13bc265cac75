package org.taskscale.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.taskscale.config.UserException;
import org.taskscale.image.Image;
import org.taskscale.image.ImageDecoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code taskscale bench corpus}: the scale corpus ({@link ScaleCorpus}) and listing-only list files. */
@Command(name = "corpus",
        description = "Make N distinct photo-like JPEGs of 0.5 to 12 megapixels and qualities 60 to 98 from the bundled"
                + " photos, deterministically from --seed, under OUT/photos, with the list file OUT/photos.txt; a killed"
                + " run resumes. --listing N writes OUT/listing-N.txt, N distinct paths of photos that do not exist,"
                + " for measuring listing and planning alone.")
final class BenchCorpusCommand extends BenchTool {
    @Option(names = "--photos", defaultValue = "0", description = "Photos to make. Default: ${DEFAULT-VALUE}.")
    int photos;

    @Option(names = "--out", required = true, description = "Output folder (made if missing; photos already there are kept).")
    Path out;

    @Option(names = "--seed", defaultValue = "1", description = "Seeds every photo's plan and pixels. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--listing", defaultValue = "0", description = "Also write a list file of this many paths that"
            + " do not exist (listing only). Default: ${DEFAULT-VALUE}.")
    int listing;

    @Option(names = "--threads", description = "Threads making photos. Default: the processors.")
    Integer threads;

    @Option(names = "--sources", description = "Folder of source photos. Default: the bundled samples.")
    Path sources;

    @Override
    void check() {
        if (photos < 0 || listing < 0 || (photos == 0 && listing == 0)) {
            throw new UserException("Give --photos N or --listing N (at least 1), not --photos " + photos
                    + " and --listing " + listing + ".");
        }
        if (threads != null && threads < 1) {
            throw new UserException("--threads must be at least 1, not " + threads + ".");
        }
    }

    @Override
    int measure(PrintWriter log) throws Exception {
        if (photos > 0) {
            Path dir = sources != null ? sources
                    : Path.of(System.getProperty("taskscale.home", ".")).resolve("datasets-prep/samples");
            List<Image> images = readSources(dir);
            ScaleCorpus corpus = new ScaleCorpus(images, seed);
            int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
            log.printf(Locale.ROOT, "corpus: %d photos from the %d source photos in %s, seed %d, %d threads, into %s%n",
                    photos, images.size(), dir, seed, t, out.toAbsolutePath());
            log.flush();
            ScaleCorpus.Summary s = corpus.generate(out, photos, t, log);
            log.printf(Locale.ROOT, "corpus: done: %d photos (%d made now), %.2f GB, %.0f megapixels (%.2f per photo),"
                            + " %.0f s; list file %s%n", s.photos(), s.made(), s.bytes() / 1e9, s.pixels() / 1e6,
                    s.pixels() / 1e6 / s.photos(), s.seconds(), s.listFile().toAbsolutePath());
        }
        if (listing > 0) {
            long start = System.nanoTime();
            Path file = ScaleCorpus.listing(out, listing);
            log.printf(Locale.ROOT, "corpus: listing of %d paths (the files do not exist) in %s, %.1f s%n", listing,
                    file.toAbsolutePath(), (System.nanoTime() - start) / 1e9);
        }
        log.flush();
        return 0;
    }

    private static List<Image> readSources(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g)"))
                    .sorted().toList();
        }
        if (files.isEmpty()) {
            throw new UserException("--sources: no .png or .jpg photos in " + dir + ".");
        }
        ImageDecoder decoder = new ImageDecoder();
        List<Image> images = new ArrayList<>();
        for (Path f : files) {
            images.add(decoder.decode(f));
        }
        return images;
    }
}
