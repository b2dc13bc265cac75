package org.taskscale.eval;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.taskscale.data.Examples;
import org.taskscale.data.Planes;
import org.taskscale.image.ColorSpaces;
import org.taskscale.image.Image;
import org.taskscale.image.ImageDecoder;
import org.taskscale.image.ImageEncoder;
import org.taskscale.image.ImageReadException;
import org.taskscale.image.Metrics;
import org.taskscale.infer.Inference;
import org.taskscale.models.ModelFile;
import org.taskscale.models.Task;
import org.taskscale.prep.PrepTask;

/**
 * Evaluates one whole image with one model by the standard {@link Protocol} (tiled inference, identical to
 * whole-image inference): the work of one Spark task in a sweep, or of the single-model command. Keeps the last
 * model it loaded, so a partition of one checkpoint's images loads it once.
 */
public final class ImageEvaluator {
    /** One unit of work: a checkpoint on an image at a scale (scaling tasks) or JPEG quality (restoration). */
    public record Item(String checkpoint, String dataset, String path, String image, Task task, int scale, int quality,
                       boolean crop) implements Serializable {}

    /** One evaluated image, the fields of eval.json; NaN fields are written as null. */
    public record Row(String checkpoint, String dataset, String image, String task, Integer scale, Integer quality,
                      double psnrY, double ssimY, double baselinePsnrY, double baselineSsimY, double lrPsnrY,
                      double psnrBY) implements Serializable {}

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
    private String loaded;
    private Inference inference;

    public ImageEvaluator(Configuration conf, int tile, Task taskOverride, int scaleOverride, int cropSize) {
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
            Path p = new Path(checkpoint);
            try (InputStream in = p.getFileSystem(conf).open(p)) {
                inference = new Inference(ModelFile.read(in, checkpoint, taskOverride, scaleOverride), tile, -1);
            }
            loaded = checkpoint;
        }
        return inference;
    }

    public Outcome evaluate(Item item) throws IOException {
        Inference inf = model(item.checkpoint());
        Path p = new Path(item.path());
        Image img;
        try (InputStream in = p.getFileSystem(conf).open(p)) {
            img = new ImageDecoder().decode(in.readAllBytes(), item.path());
        } catch (ImageReadException e) {
            return new Outcome(item, null, null, e.detail());
        }
        Task task = item.task();
        boolean scaling = scaling(task);
        if (scaling && (img.height() < 4 * item.scale() || img.width() < 4 * item.scale())) {
            return new Outcome(item, null, null, "too small for x" + item.scale() + ": " + img.width() + "x" + img.height());
        }
        Examples.Example ex = Examples.make(task, new Examples.Degradation(scaling ? item.scale() : 1,
                inf.info().colors(), item.quality()), img);
        List<Planes> outs = inf.outputs(ex.input(), null);
        int scale = scaling ? item.scale() : 1;
        Protocol.Images im = Protocol.images(task, scale, ex.input(), ex.labels(), outs);
        Protocol.Scores s = Protocol.score(task, scale, ex.labels(), im);
        Row row = new Row(item.checkpoint(), item.dataset(), item.image(), PrepTask.of(task).configName(), scaling ? item.scale() : null,
                task == Task.JPEG_RESTORATION ? item.quality() : null, s.psnrY(), s.ssimY(), s.baselinePsnrY(),
                s.baselineSsimY(), s.lrPsnrY(), s.psnrBY());
        return new Outcome(item, row, item.crop() ? crops(row, im, scale) : null, null);
    }

    static boolean scaling(Task t) {
        return t == Task.RESCALING || t == Task.SUPER_RESOLUTION || t == Task.SUPER_RESOLUTION_PREUPSAMPLED;
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
        Path p = new Path(checkpoint);
        Path parent = p.getParent();
        if (parent != null && parent.getName().equals("checkpoints") && parent.getParent() != null) {
            return parent.getParent().getName() + "/" + p.getName().replace(".zip", "");
        }
        return (parent == null ? "" : parent.getName() + "/") + p.getName().toLowerCase(Locale.ROOT);
    }
}
