package org.taskscale.bench;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.taskscale.image.Bicubic;
import org.taskscale.image.Image;
import org.taskscale.image.ImageEncoder;
import org.taskscale.prep.Hashing;
import org.taskscale.spark.Progress;

/**
 * A corpus of distinct, photo-like JPEGs of archive sizes, made deterministically from a few source photos, for
 * measuring the jobs at scale. Photo i is planned from (seed, i) alone: a size of 0.5 to 12 megapixels (log-uniform),
 * an aspect ratio of a camera or phone (landscape or portrait), a JPEG quality of 60 to 98. Its pixels are a collage:
 * the frame is split at random until no piece is longer than 2.5 times a source's short side, and each piece is a
 * random crop of a source, flipped or turned, resized (bicubic, at most 2.5x up), with its own colour gains; then a
 * global gamma and film grain, so that no two photos share blocks and the JPEGs have a camera's entropy.
 *
 * <p>Layout: {@code OUT/photos/NNN/photo-NNNNNNN.jpg} (1,000 per folder) and {@code OUT/photos.txt}, the list file
 * of their absolute paths, written last. Each photo is written to a temporary name and renamed, so a killed run
 * resumes: existing photos are complete and are skipped.
 */
final class ScaleCorpus {
    static final double MIN_MP = 0.5;
    static final double MAX_MP = 12;
    private static final double[][] ASPECTS = {{4, 3}, {3, 2}, {16, 9}, {1, 1}, {5, 4}};
    private static final double MAX_UPSCALE = 2.5;

    /** One photo's plan: its size and JPEG quality, known without making it. */
    record Plan(int index, int width, int height, int quality) {
        long pixels() {
            return (long) width * height;
        }
    }

    /** What a generation run did. */
    record Summary(int photos, int made, long bytes, long pixels, double seconds, Path listFile) {}

    private final List<Image> sources;
    private final long seed;
    /** The longest piece side: MAX_UPSCALE times the shortest source side, so no piece is enlarged more. */
    private final int tileLimit;

    ScaleCorpus(List<Image> sources, long seed) {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("A corpus needs at least one source photo.");
        }
        this.sources = sources.stream().map(Image::toRgb).toList();
        this.seed = seed;
        this.tileLimit = (int) (MAX_UPSCALE * this.sources.stream().mapToInt(s -> Math.min(s.width(), s.height())).min()
                .orElseThrow());
    }

    static Plan plan(long seed, int index) {
        SplittableRandom r = new SplittableRandom(Hashing.combine(Hashing.combine(seed, index), 1));
        double mp = MIN_MP * Math.exp(r.nextDouble() * Math.log(MAX_MP / MIN_MP));
        double[] a = ASPECTS[r.nextInt(ASPECTS.length)];
        boolean portrait = r.nextDouble() < 0.3;
        double ratio = portrait ? a[1] / a[0] : a[0] / a[1];
        int h = (int) Math.round(Math.sqrt(mp * 1e6 / ratio));
        int w = (int) Math.round(h * ratio);
        return new Plan(index, w, h, 60 + r.nextInt(39));
    }

    static Path photoPath(Path out, int index) {
        return out.resolve("photos").resolve(String.format(Locale.ROOT, "%03d", index / 1000))
                .resolve(String.format(Locale.ROOT, "photo-%07d.jpg", index));
    }

    /** The JPEG bytes of photo {@code index}. */
    byte[] make(int index) {
        Plan p = plan(seed, index);
        SplittableRandom r = new SplittableRandom(Hashing.combine(Hashing.combine(seed, index), 2));
        BufferedImage bi = new BufferedImage(p.width(), p.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) bi.getRaster().getDataBuffer()).getData();
        double gamma = 0.8 + 0.45 * r.nextDouble();
        double grain = 0.5 + 1.5 * r.nextDouble();
        int[] lut = new int[256 * 4];
        for (int v = 0; v < lut.length; v++) {  // gamma on the 0..1023 range of gained samples, clamped
            lut[v] = (int) Math.round(255 * Math.pow(Math.min(v, 1023) / 1023.0, gamma));
        }
        fill(bgr, p.width(), 0, 0, p.width(), p.height(), r, lut, grain);
        return ImageEncoder.jpeg(bi, p.quality());
    }

    /** Splits the rectangle until no side exceeds the tile limit, then paints each piece. */
    private void fill(byte[] bgr, int stride, int x, int y, int w, int h, SplittableRandom r, int[] lut, double grain) {
        if (Math.max(w, h) > tileLimit) {
            double cut = 0.3 + 0.4 * r.nextDouble();
            if (w >= h) {
                int a = Math.max(1, (int) (w * cut));
                fill(bgr, stride, x, y, a, h, r, lut, grain);
                fill(bgr, stride, x + a, y, w - a, h, r, lut, grain);
            } else {
                int a = Math.max(1, (int) (h * cut));
                fill(bgr, stride, x, y, w, a, r, lut, grain);
                fill(bgr, stride, x, y + a, w, h - a, r, lut, grain);
            }
            return;
        }
        paint(bgr, stride, x, y, w, h, r, lut, grain);
    }

    private void paint(byte[] bgr, int stride, int x0, int y0, int w, int h, SplittableRandom r, int[] lut, double grain) {
        Image src = sources.get(r.nextInt(sources.size()));
        boolean turn = r.nextBoolean();
        int tw = turn ? h : w;  // the piece before turning
        int th = turn ? w : h;
        // the largest crop of the piece's aspect that fits the source, scaled down at random but never below the
        // size that would need more than MAX_UPSCALE
        double fit = Math.min((double) src.width() / tw, (double) src.height() / th);
        double least = Math.min(fit, 1.0 / MAX_UPSCALE);
        double scale = least + (fit - least) * r.nextDouble();
        int cw = Math.max(1, Math.min(src.width(), (int) Math.round(tw * scale)));
        int ch = Math.max(1, Math.min(src.height(), (int) Math.round(th * scale)));
        int cx = r.nextInt(src.width() - cw + 1);
        int cy = r.nextInt(src.height() - ch + 1);
        Image crop = Image.zeros(3, ch, cw);
        for (int c = 0; c < 3; c++) {
            for (int yy = 0; yy < ch; yy++) {
                System.arraycopy(src.data(), src.planeOffset(c) + (cy + yy) * src.width() + cx,
                        crop.data(), crop.planeOffset(c) + yy * cw, cw);
            }
        }
        Image piece = (cw == tw && ch == th) ? crop : Bicubic.resizeTo(crop, th, tw);
        boolean flip = r.nextBoolean();
        float[] gain = new float[3];
        for (int c = 0; c < 3; c++) {
            gain[c] = (float) (4 * (0.85 + 0.3 * r.nextDouble()));  // to the LUT's 0..1023 range
        }
        float[] d = piece.data();
        int plane = tw * th;
        long noise = 0;
        int left = 0;
        for (int yy = 0; yy < h; yy++) {
            for (int xx = 0; xx < w; xx++) {
                // the source position of output pixel (xx, yy): transposed when turned, mirrored when flipped
                int sx = turn ? yy : xx;
                int sy = turn ? xx : yy;
                if (flip) {
                    sx = tw - 1 - sx;
                }
                int s = sy * tw + sx;
                int o = ((y0 + yy) * stride + x0 + xx) * 3;
                for (int c = 0; c < 3; c++) {
                    if (left == 0) {
                        noise = r.nextLong();
                        left = 4;
                    }
                    // triangular grain from two bytes of one random long
                    int n = (int) (noise & 0xff) - (int) ((noise >>> 8) & 0xff);
                    noise >>>= 16;
                    left--;
                    float v = d[c * plane + s] * gain[c] + (float) (n * grain / 16.0);
                    int q = Math.max(0, Math.min(1023, Math.round(v)));
                    bgr[o + 2 - c] = (byte) lut[q];
                }
            }
        }
    }

    /**
     * Makes photos 0..n-1 under {@code out} with {@code threads} threads (photos already there are kept), then the
     * list file; progress lines every 5 s.
     */
    Summary generate(Path out, int n, int threads, PrintWriter log) throws IOException, InterruptedException {
        long start = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger made = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Runnable report = () -> {
            double s = (System.nanoTime() - start) / 1e9;
            int k = done.get();
            double rate = made.get() / Math.max(s, 1e-9);
            log.printf(Locale.ROOT, "corpus: %d/%d photos (%.0f%%), %d made at %.2f photos/s, %.2f GB, ETA %s%n", k, n,
                    100.0 * k / n, made.get(), rate, bytes.get() / 1e9,
                    made.get() == 0 ? "unknown" : eta((n - k) / rate));
            log.flush();
        };
        try (Progress ignored = Progress.every(5000, "corpus-progress", report)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                        Path file = photoPath(out, i);
                        if (Files.exists(file)) {
                            bytes.addAndGet(Files.size(file));
                        } else {
                            byte[] jpeg = make(i);
                            Files.createDirectories(file.getParent());
                            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
                            Files.write(tmp, jpeg);
                            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                            bytes.addAndGet(jpeg.length);
                            made.incrementAndGet();
                        }
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("Making the corpus failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        report.run();
        long pixels = 0;
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < n; i++) {
            pixels += plan(seed, i).pixels();
            list.append(photoPath(out, i).toAbsolutePath()).append('\n');
        }
        Path listFile = writeList(out.resolve("photos.txt"), list.toString());
        return new Summary(n, made.get(), bytes.get(), pixels, (System.nanoTime() - start) / 1e9, listFile);
    }

    /**
     * A list file of {@code n} distinct paths of photos that do not exist, {@code OUT/listing/NNNN/photo-NNNNNNN.jpg},
     * for measuring listing and planning alone at a size no disk here holds.
     */
    static Path listing(Path out, int n) throws IOException {
        Path file = out.resolve(String.format(Locale.ROOT, "listing-%d.txt", n));
        Path root = out.resolve("listing").toAbsolutePath();
        StringBuilder sb = new StringBuilder(n * (root.toString().length() + 30));
        for (int i = 0; i < n; i++) {
            sb.append(root).append(String.format(Locale.ROOT, "/%04d/photo-%07d.jpg", i / 1000, i)).append('\n');
        }
        return writeList(file, sb.toString());
    }

    private static Path writeList(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    static String eta(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
