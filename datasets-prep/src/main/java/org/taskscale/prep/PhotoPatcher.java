package org.taskscale.prep;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.taskscale.degrade.ChannelShuffle;
import org.taskscale.degrade.ColorCast;
import org.taskscale.degrade.QualityRange;
import org.taskscale.degrade.RandomRescale;
import org.taskscale.image.Image;
import org.taskscale.image.ImageDecoder;
import org.taskscale.image.ImageReadException;
import org.taskscale.spark.RecordKryoRegistrator;

/**
 * One photo in, its augmented 8-bit RGB source patches out (or the reason it was refused). The photo is decoded
 * once, optionally resized ({@link RandomRescale}: once, or once per {@code rescale-draws} draw, each draw
 * giving its share of the patches), and every patch is cropped, rotated and flipped from it. All randomness
 * comes from the global seed and the photo's path, so the patches do not depend on which executor or partition
 * handles the photo, or on the order photos are listed in.
 */
public final class PhotoPatcher implements Serializable {
    /** An augmented source patch: 3 x size x size bytes (CHW) and its sort key and JPEG quality. */
    public record SourcePatch(long key, String path, int index, int size, byte[] rgb, int quality)
            implements Serializable, RecordKryoRegistrator.Fields {
        /** The patch as an image on the 0..255 scale. */
        public Image image() {
            float[] d = new float[rgb.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = rgb[i] & 0xff;
            }
            return new Image(3, size, size, d);
        }
    }

    /** What became of one photo: its patches, or a reject reason with details. */
    public record Outcome(String path, boolean valid, List<SourcePatch> patches, String reason, String detail)
            implements Serializable, RecordKryoRegistrator.Fields {
        public boolean rejected() {
            return reason != null;
        }
    }

    private final PrepConfig cfg;
    private final RandomRescale rescale;
    private final QualityRange quality;

    public PhotoPatcher(PrepConfig cfg) {
        this.cfg = cfg;
        this.rescale = new RandomRescale(cfg.rescaleProbability(), cfg.rescaleFactors(), cfg.patchSize());
        this.quality = new QualityRange(cfg.jpegQuality(), cfg.jpegQualityMax());
    }

    /** The hash of {@code key} the validation split compares with its fraction (uniform in [0, 1)). */
    public static double splitHash(String key) {
        return Hashing.unit(Hashing.combine(Hashing.of(key), 0x76616c6964L));
    }

    /**
     * Whether the photo of {@code key} is in the validation split: its key's hash (independent of the seed) falls
     * below {@code fraction}. (When that picks none of two or more photos, prep adds the one of the smallest hash,
     * so that a small collection still validates.)
     */
    public static boolean inValidation(String key, double fraction) {
        return splitHash(key) < fraction;
    }

    /** Decodes and cuts {@code bytes}, the content of {@code path} (key {@code path}). */
    public Outcome patch(String path, byte[] bytes, boolean valid) {
        return patch(path, path, bytes, valid);
    }

    /**
     * Reads the photo at {@code path} (its header first, where the pixel limit is checked, then the whole file) and
     * cuts it as {@link #patch(String, String, byte[], boolean)} does.
     */
    public Outcome patch(String path, String key, ImageDecoder.Source source, boolean valid) {
        byte[] bytes;
        try {
            bytes = new ImageDecoder(cfg.maxPixels()).readBytes(source, path);
        } catch (ImageReadException e) {
            return new Outcome(path, valid, List.of(), e.reason().name().toLowerCase(java.util.Locale.ROOT), e.detail());
        }
        return patch(path, key, bytes, valid);
    }

    /**
     * Decodes and cuts {@code bytes}, the content of {@code path}; the random choices follow the seed and the
     * photo's {@code key} (a validation photo if {@code valid}).
     */
    public Outcome patch(String path, String key, byte[] bytes, boolean valid) {
        Image img;
        try {
            img = new ImageDecoder(cfg.maxPixels()).decode(bytes, path).toRgb();
        } catch (ImageReadException e) {
            return new Outcome(path, valid, List.of(), e.reason().name().toLowerCase(java.util.Locale.ROOT), e.detail());
        } catch (RuntimeException e) {
            return new Outcome(path, valid, List.of(), "corrupt", "decoder failed: " + e);
        }
        int p = cfg.patchSize();
        if (img.height() < p || img.width() < p) {
            return new Outcome(path, valid, List.of(), "too_small", img.width() + "x" + img.height()
                    + " is smaller than the " + p + "x" + p + " patch");
        }
        long photoSeed = Hashing.combine(cfg.seed(), Hashing.of(key));
        SplittableRandom rng = new SplittableRandom(photoSeed);
        List<SourcePatch> out = new ArrayList<>();
        int n = cfg.patchesPerImage();
        if (n > 0) {
            // draw d cuts patches [d n / draws, (d + 1) n / draws) from its own rescaled copy; one draw (the
            // default) takes the random numbers in the order it always did
            int draws = Math.min(cfg.rescaleDraws(), n);
            for (int d = 0; d < draws; d++) {
                Image scaled = rescale.apply(img, rng);
                for (int i = (int) ((long) d * n / draws); i < (long) (d + 1) * n / draws; i++) {
                    int y = rng.nextInt(scaled.height() - p + 1);
                    int x = rng.nextInt(scaled.width() - p + 1);
                    out.add(cut(scaled, y, x, i, photoSeed, rng, path, valid));
                }
            }
        } else {
            Image scaled = rescale.apply(img, rng);
            int i = 0;
            for (int y = 0; y + p <= scaled.height(); y += p) {
                for (int x = 0; x + p <= scaled.width(); x += p) {
                    out.add(cut(scaled, y, x, i++, photoSeed, rng, path, valid));
                }
            }
        }
        return new Outcome(path, valid, out, null, null);
    }

    private SourcePatch cut(Image img, int y, int x, int index, long photoSeed, SplittableRandom rng, String path,
                            boolean valid) {
        int p = cfg.patchSize();
        int rot = cfg.rotate() ? rng.nextInt(4) : 0;
        boolean flip = cfg.flip() && rng.nextBoolean();
        int q = quality.draw(rng);
        // colour augmentation (training patches only; nothing is drawn when it is off, so outputs stay as before)
        int[] plane = ChannelShuffle.planes(!valid && cfg.channelShuffle(), rng);
        float[] gain = ColorCast.gains(valid ? 0 : cfg.colorCast(), rng);
        byte[] rgb = window(img, y, x, p, rot, flip, plane, gain);
        return new SourcePatch(Hashing.combine(photoSeed, index), path, index, p, rgb, q);
    }

    /**
     * The p x p window at (y, x) of an RGB photo as 8-bit planes, turned by {@code rot} quarter turns
     * counter-clockwise ({@code numpy.rot90}), then mirrored left to right if {@code flip}; output plane c comes
     * from photo plane {@code plane[c]}, times {@code gain[c]}, rounded and clamped to 0..255.
     */
    static byte[] window(Image img, int y, int x, int p, int rot, boolean flip, int[] plane, float[] gain) {
        byte[] rgb = new byte[3 * p * p];
        float[] d = img.data();
        int h = img.height();
        int w = img.width();
        // the source index is linear in the output's (r, s) for every rotation and flip: step along both once;
        // the inner loop runs along a photo row (|step| = 1) and the outer one across rows, so that a quarter
        // turn reads rows and writes the small patch column-wise instead of reading the photo column-wise (a
        // cache miss per pixel; the cut was a fifth of the prep job's time)
        int origin = sourceOffset(0, 0, p, w, rot, flip);
        int dr = p > 1 ? sourceOffset(1, 0, p, w, rot, flip) - origin : 0;
        int ds = p > 1 ? sourceOffset(0, 1, p, w, rot, flip) - origin : 0;
        boolean rowsAlongS = Math.abs(ds) <= 1;
        int inStep = rowsAlongS ? ds : dr;    // source step of the inner loop
        int outStep = rowsAlongS ? 1 : p;     // patch step of the inner loop
        int inLine = rowsAlongS ? dr : ds;    // source step of the outer loop
        int outLine = rowsAlongS ? p : 1;     // patch step of the outer loop
        float[] line = new float[p];
        for (int c = 0; c < 3; c++) {
            int base = (plane[c] * h + y) * w + x + origin;
            float g = gain[c];
            for (int a = 0; a < p; a++) {
                int src = base + a * inLine;
                int o = c * p * p + a * outLine;
                // the source line first, in patch order (forwards for the JIT's vector loop, which a negative or
                // strided index defeats), then scaled, rounded and stored
                if (inStep == 1) {
                    System.arraycopy(d, src, line, 0, p);
                } else {
                    for (int t = 0; t < p; t++) {
                        line[t] = d[src + t * inStep];
                    }
                }
                if (outStep == 1) {
                    for (int t = 0; t < p; t++) {
                        rgb[o + t] = level(line[t] * g);
                    }
                } else {
                    for (int t = 0; t < p; t++) {
                        rgb[o + t * outStep] = level(line[t] * g);
                    }
                }
            }
        }
        return rgb;
    }

    /** {@code v} rounded half up and clamped to 0..255 (NaN to 0), as an unsigned byte. */
    private static byte level(float v) {
        // v + 0.5 in double is exact, and truncation is floor for the non-negative values that reach it
        return v < 0f ? 0 : v > 255f ? (byte) 255 : (byte) (int) (v + 0.5);
    }

    /**
     * Where output pixel (r, s) of a p x p patch reads, as {@code sr * w + ss} from the patch window's top-left
     * corner in a photo of width w: the window rotated by {@code rot} quarter turns, then flipped.
     */
    private static int sourceOffset(int r, int s, int p, int w, int rot, boolean flip) {
        int ss0 = flip ? p - 1 - s : s;
        return switch (rot) {
            case 1 -> ss0 * w + p - 1 - r;
            case 2 -> (p - 1 - r) * w + p - 1 - ss0;
            case 3 -> (p - 1 - ss0) * w + r;
            default -> r * w + ss0;
        };
    }
}
