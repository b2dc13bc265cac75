package org.taskscale.eval;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.taskscale.data.Planes;
import org.taskscale.degrade.Degradation;
import org.taskscale.image.ColorSpaces;
import org.taskscale.image.Image;
import org.taskscale.image.ImageDecoder;
import org.taskscale.image.ImageEncoder;
import org.taskscale.image.ImageReadException;
import org.taskscale.image.Metrics;
import org.taskscale.inference.Inference;
import org.taskscale.io.ModelFile;
import org.taskscale.io.ModelZoo;
import org.taskscale.spark.NativeMemory;
import org.taskscale.tasks.Example;
import org.taskscale.tasks.Protocol;
import org.taskscale.tasks.Task;

/**
 * Evaluates one whole image with one model by the standard {@link Protocol} (tiled inference, identical to
 * whole-image inference): the work of one Spark task in a sweep, or of the single-model command. Keeps the last
 * model it loaded, so a partition of one checkpoint's images loads it once.
 */
public final class ImageEvaluator {
    /**
     * One unit of work: a checkpoint on an image at a scale (scaling tasks) or JPEG quality (restoration), and for
     * rescaling the JPEG quality its LR image is stored at before upscaling ({@code lrJpeg}, 0: none).
     */
    public record Item(String checkpoint, String dataset, String path, String image, Task task, int scale, int quality,
                       int lrJpeg, boolean crop, long bytes) implements Serializable {}

    /** One evaluated image, the fields of eval.json; NaN fields are written as null. */
    public record Row(String checkpoint, String dataset, String image, String task, Integer scale, Integer quality,
                      Integer lrJpeg, double psnrY, double ssimY, double baselinePsnrY, double baselineSsimY,
                      double lrPsnrY, double psnrBY, double psnrRgb, double baselinePsnrRgb) implements Serializable {}

    /** PNG crops of one image for the report: reference, baseline, ours and (rescaling) the LR preview. */
    public record Crops(Row row, byte[] reference, byte[] baseline, byte[] result, byte[] preview, double psnrY,
                        double baselinePsnrY) implements Serializable {}

    /** What came of an item: a row (and crops if asked), or the reason it was skipped. */
    public record Outcome(Item item, Row row, Crops crops, String skipped) implements Serializable {}

    private final Configuration conf;
    private final int tile;
    private final Task taskOverride;
    private final int scaleOverride;
    private final int cropSize;
    private final ImageDecoder decoder;
    private String loaded;
    private Inference inference;

    public ImageEvaluator(Configuration conf, int tile, Task taskOverride, int scaleOverride, int cropSize, long maxPixels) {
        NativeMemory.collectPeriodically();  // in every JVM that runs networks: the driver and each executor
        this.decoder = new ImageDecoder(maxPixels);
        this.conf = conf;
        this.tile = tile;
        this.taskOverride = taskOverride;
        this.scaleOverride = scaleOverride;
        this.cropSize = cropSize;
    }

    /** The model at {@code checkpoint} (loaded once while consecutive calls ask for the same one). */
    public Inference model(String checkpoint) throws IOException {
        if (!checkpoint.equals(loaded)) {
            inference = null;
            try (InputStream in = ModelZoo.open(checkpoint, conf)) {
                inference = new Inference(ModelFile.read(in, checkpoint, taskOverride, scaleOverride), tile, -1);
            }
            loaded = checkpoint;
        }
        return inference;
    }

    /**
     * Evaluates one item. An image that cannot be used (unreadable, over the pixel limit judged from its header,
     * too small for the protocol or the model) is skipped with the reason; the caller goes on with the rest. Each
     * whole-size copy is dropped as soon as the next stage has what it needs, so that memory stays a few copies
     * of the image (a 4000x3000 photo evaluates in a 2 GiB heap).
     */
    public Outcome evaluate(Item item) throws IOException {
        Inference inf = model(item.checkpoint());
        Path p = new Path(item.path());
        FileSystem fs = p.getFileSystem(conf);
        Image img;
        try {
            img = decoder.read(() -> fs.open(p), item.path());
        } catch (ImageReadException e) {
            return new Outcome(item, null, null, e.detail());
        }
        Task task = item.task();
        int scale = task.scales() ? item.scale() : 1;
        String small = tooSmall(inf, task, scale, img.height(), img.width());
        if (small != null) {
            return new Outcome(item, null, null, small);
        }
        try {
            Example ex = task.example(new Degradation(scale, inf.info().colors(), item.quality()), img);
            img = null;
            Planes input = ex.input();
            List<Planes> labels = ex.labels();
            ex = null;
            List<Planes> outs = inf.outputs(input, item.lrJpeg(), null);
            Protocol.Images im = Protocol.images(task, scale, item.lrJpeg(), input, labels, outs);
            input = null;
            outs = null;
            // the scores need only the rescaler's LR label beside the images
            labels = task.hasPreview() ? List.of(labels.get(0)) : List.of();
            Protocol.Scores s = Protocol.score(task, scale, labels, im);
            Row row = new Row(item.checkpoint(), item.dataset(), item.image(), task.name(),
                    task.scales() ? item.scale() : null, task.usesQuality() ? item.quality() : null,
                    item.lrJpeg() > 0 ? item.lrJpeg() : null, s.psnrY(), s.ssimY(), s.baselinePsnrY(),
                    s.baselineSsimY(), s.lrPsnrY(), s.psnrBY(), s.psnrRgb(), s.baselinePsnrRgb());
            return new Outcome(item, row, item.crop() ? crops(row, im, scale) : null, null);
        } catch (RuntimeException e) {
            // a defect, not bad input; named with the image so that the sweep's other results survive
            return new Outcome(item, null, null, "could not be evaluated: " + e);
        }
    }

    /**
     * Why an image of {@code height x width} is too small for {@code task}: after the crop to a multiple of the
     * scale and the border shave, SSIM's 11x11 window must fit, and the model's size multiple; null when it is not.
     */
    static String tooSmall(Inference inf, Task task, int scale, int height, int width) {
        int shave = task.shave(scale);
        int need = Math.max(11 + 2 * shave, scale == 1 ? 1 : 4 * scale);
        int h = height - height % scale;
        int w = width - width % scale;
        if (h < need || w < need) {
            return String.format(java.util.Locale.ROOT, "is %dx%d, too small for x%d evaluation (at least %dx%d after the"
                    + " crop to a multiple of the scale)", width, height, scale, need, need);
        }
        return inf.unfit(task.evalMode(), task.evalInput(h, scale), task.evalInput(w, scale));
    }

    /** Crops where the reference is busiest (largest luma variance among a 4 x 4 grid of windows). */
    private Crops crops(Row row, Protocol.Images im, int scale) {
        Image ref = im.reference();
        int side = Math.min(cropSize, Math.min(ref.height(), ref.width())) / scale * scale;
        Image y = ColorSpaces.luma(ref);
        int bestY = 0;
        int bestX = 0;
        double best = -1;
        for (int gy = 0; gy < 4; gy++) {
            for (int gx = 0; gx < 4; gx++) {
                int y0 = (ref.height() - side) * gy / 3 / scale * scale;
                int x0 = (ref.width() - side) * gx / 3 / scale * scale;
                double sum = 0;
                double sq = 0;
                for (int r = 0; r < side; r += 2) {
                    for (int c = 0; c < side; c += 2) {
                        double v = y.get(0, y0 + r, x0 + c);
                        sum += v;
                        sq += v * v;
                    }
                }
                double n = Math.ceil(side / 2.0) * Math.ceil(side / 2.0);
                double var = sq / n - (sum / n) * (sum / n);
                if (var > best) {
                    best = var;
                    bestY = y0;
                    bestX = x0;
                }
            }
        }
        Image r = ref.crop(bestY, bestX, side, side);
        Image b = im.baseline().crop(bestY, bestX, side, side);
        Image o = im.result().crop(bestY, bestX, side, side);
        byte[] preview = im.preview() == null ? null
                : ImageEncoder.png(im.preview().crop(bestY / scale, bestX / scale, side / scale, side / scale));
        return new Crops(row, ImageEncoder.png(r), ImageEncoder.png(b), ImageEncoder.png(o), preview,
                Metrics.psnrY(r, o, 0), Metrics.psnrY(r, b, 0));
    }

    /** A short label of a checkpoint path: run name and file (e.g. {@code quickstart/model.zip}). */
    public static String label(String checkpoint) {
        if (ModelZoo.isZoo(checkpoint)) {
            return checkpoint;
        }
        Path p = new Path(checkpoint);
        Path parent = p.getParent();
        if (parent != null && parent.getName().equals("checkpoints") && parent.getParent() != null) {
            return parent.getParent().getName() + "/" + p.getName().replace(".zip", "");
        }
        return (parent == null ? "" : parent.getName() + "/") + p.getName().toLowerCase(Locale.ROOT);
    }
}
