package org.taskscale.infer;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.taskscale.image.Image;
import org.taskscale.image.ImageDecoder;
import org.taskscale.image.ImageReadException;
import org.taskscale.inference.Inference;
import org.taskscale.io.AtomicWrites;
import org.taskscale.io.Csv;
import org.taskscale.io.ModelFile;
import org.taskscale.io.ModelZoo;
import org.taskscale.io.OutputGuard;
import org.taskscale.spark.Devices;
import org.taskscale.spark.HadoopConfs;
import org.taskscale.spark.NativeMemory;
import org.taskscale.spark.PeakMemory;
import org.taskscale.spark.PhotoLister;
import org.taskscale.tasks.Mode;
import org.taskscale.tasks.Task;
import org.taskscale.tiles.Raster8;

/**
 * {@code infer}: a model applied to photos of any size (files, folders or globs on any Hadoop filesystem), each
 * written as an 8-bit PNG into the output folder under its name (folders keep their relative paths). Runs in this
 * process, or as a Spark job over the files (one model load per partition). A file that cannot be used (not an
 * image, truncated, over the pixel limit judged from its header, smaller than the model's size multiple) is
 * skipped with one line naming it and the reason, listed in {@code rejects.csv} beside the outputs, and the rest
 * of the work goes on.
 */
public final class InferJob {
    private InferJob() {}

    /** What to run: the model, how it is used and tiled. */
    public record Options(String model, Mode mode, int tile, int overlap, Task task, int scale, String out,
                          long maxPixels) implements Serializable {}

    /** The list of skipped inputs written beside the outputs: {@code path,reason}. */
    public static final String REJECTS = "rejects.csv";

    /** One file's fate: written to {@code output}, or skipped for {@code reason}. */
    public record Outcome(String input, String output, int width, int height, String reason, double seconds)
            implements Serializable {}

    /** The input photos with their output names (relative to the output folder). */
    static List<String[]> plan(List<String> inputs, Options o, Configuration conf) throws IOException {
        List<OutputGuard.Input> read = new ArrayList<>(OutputGuard.inputs("infer IN", inputs));
        read.add(new OutputGuard.Input(o.model(), "--model"));
        OutputGuard.check("--out", o.out(), read, conf);
        List<PhotoLister.Photo> photos = PhotoLister.list(inputs, "", PhotoLister.IMAGE_EXTENSIONS, conf, "infer IN").photos();
        if (photos.isEmpty()) {
            throw new IllegalArgumentException("infer: no images (" + String.join(", ", PhotoLister.IMAGE_EXTENSIONS) + ") in " + inputs + ".");
        }
        String suffix = switch (o.mode()) {
            case DOWNSCALE -> "_lr";
            case UPSCALE -> "_up";
            case RESTORE -> "_restored";
            case COLORIZE -> "_color";
        };
        List<String[]> plan = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (PhotoLister.Photo p : photos) {
            String k = p.key();
            int dot = k.lastIndexOf('.');
            String name = (dot > 0 ? k.substring(0, dot) : k) + suffix + ".png";
            if (!names.add(name)) {
                throw new IllegalArgumentException("infer: two inputs would both be written to " + name
                        + ": give them in separate runs or folders.");
            }
            plan.add(new String[] {p.path(), name});
        }
        return plan;
    }

    /** Runs in this process; returns one outcome per input. */
    public static List<Outcome> run(List<String> inputs, Options o, Configuration conf, PrintWriter out) throws IOException {
        List<String[]> plan = plan(inputs, o, conf);
        Worker w = new Worker(o, conf);
        out.printf(Locale.ROOT, "infer: %s (%s x%d), mode %s, %d image(s), tiles %s, overlap %d px%n", o.model(),
                w.inference.info().arch(), w.inference.info().scale(), o.mode().name().toLowerCase(Locale.ROOT), plan.size(),
                o.tile() == 0 ? "off (whole images)" : o.tile() + " px", w.inference.first().overlap());
        out.flush();
        List<Outcome> outcomes = new ArrayList<>();
        for (String[] p : plan) {
            Outcome r = w.apply(p[0], p[1], out);
            outcomes.add(r);
            report(r, out);
        }
        summary(outcomes, o, conf, out);
        return outcomes;
    }

    /** Runs as a Spark job over the files. */
    public static List<Outcome> run(List<String> inputs, Options o, JavaSparkContext jsc, PrintWriter out)
            throws IOException {
        List<String[]> plan = plan(inputs, o, jsc.hadoopConfiguration());
        Broadcast<Map<String, String>> confMap = jsc.broadcast(HadoopConfs.toMap(jsc.hadoopConfiguration()));
        out.printf(Locale.ROOT, "infer: %s, mode %s, %d image(s) on Spark%n", o.model(),
                o.mode().name().toLowerCase(Locale.ROOT), plan.size());
        out.flush();
        int parts = Math.max(1, Math.min(plan.size(), jsc.defaultParallelism()));
        Devices.Recorder devices = Devices.Recorder.register(jsc);
        List<Outcome> outcomes = jsc.parallelize(plan, parts).mapPartitions(it -> {
            devices.bind();  // before the network is loaded
            Worker w = new Worker(o, HadoopConfs.fromMap(confMap.value()));
            List<Outcome> res = new ArrayList<>();
            while (it.hasNext()) {
                String[] p = it.next();
                res.add(w.apply(p[0], p[1], null));
            }
            return res.iterator();
        }).collect();
        devices.distinct().forEach(b -> out.println("infer: " + b.line()));
        for (Outcome r : outcomes) {
            report(r, out);
        }
        summary(outcomes, o, jsc.hadoopConfiguration(), out);
        return outcomes;
    }

    private static void report(Outcome r, PrintWriter out) {
        if (r.reason() != null) {
            out.printf("infer: skipped %s: %s%n", r.input(), r.reason());
        } else {
            out.printf(Locale.ROOT, "infer: %s -> %s (%dx%d, %.1f s)%n", r.input(), r.output(), r.width(), r.height(),
                    r.seconds());
        }
        out.flush();
    }

    /** The counts and memory on the console, and rejects.csv (replacing an earlier run's) in the output folder. */
    private static void summary(List<Outcome> outcomes, Options o, Configuration conf, PrintWriter out)
            throws IOException {
        StringBuilder csv = new StringBuilder("path,reason\n");
        outcomes.stream().filter(r -> r.reason() != null).sorted(java.util.Comparator.comparing(Outcome::input))
                .forEach(r -> csv.append(Csv.field(r.input())).append(',').append(Csv.field(r.reason())).append('\n'));
        Path rejects = new Path(o.out(), REJECTS);
        FileSystem fs = AtomicWrites.fileSystem(rejects, conf);
        fs.mkdirs(rejects.getParent());
        AtomicWrites.replace(fs, rejects, csv.toString().getBytes(StandardCharsets.UTF_8));
        long skipped = outcomes.stream().filter(r -> r.reason() != null).count();
        out.printf(Locale.ROOT, "infer: %d written, %d skipped%s; peak memory: %s%n", outcomes.size() - skipped, skipped,
                skipped == 0 ? "" : " (listed in " + fs.makeQualified(rejects) + ")", PeakMemory.describe());
        out.flush();
    }

    /** Loads the model once and applies it to files. */
    static final class Worker {
        final Inference inference;
        private final Options o;
        private final Configuration conf;

        Worker(Options o, Configuration conf) throws IOException {
            NativeMemory.collectPeriodically();  // in every JVM that runs networks: the driver and each executor
            this.o = o;
            this.conf = conf;
            try (InputStream in = ModelZoo.open(o.model(), conf)) {
                this.inference = new Inference(ModelFile.read(in, o.model(), o.task(), o.scale()), o.tile(), o.overlap());
            }
            inference.check(o.mode());
        }

        Outcome apply(String input, String name, PrintWriter progress) throws IOException {
            long t0 = System.nanoTime();
            Path p = new Path(input);
            FileSystem in = p.getFileSystem(conf);
            Image img;
            try {
                img = new ImageDecoder(o.maxPixels()).read(() -> in.open(p), input);
            } catch (ImageReadException e) {
                return new Outcome(input, null, 0, 0, e.detail(), 0);
            }
            String unfit = inference.unfit(o.mode(), img.height(), img.width());
            if (unfit != null) {
                return new Outcome(input, null, 0, 0, unfit, 0);
            }
            Raster8 r = inference.apply(o.mode(), img, progress);
            img = null;
            Path dst = new Path(o.out(), name);
            FileSystem fs = dst.getFileSystem(conf);
            fs.mkdirs(dst.getParent());
            AtomicWrites.replace(fs, dst, os -> {
                if (!ImageIO.write(r.bufferedImage(), "png", os)) {
                    throw new IOException("No PNG writer is available in this JVM.");
                }
            });
            return new Outcome(input, fs.makeQualified(dst).toString(), r.width(), r.height(), null,
                    (System.nanoTime() - t0) / 1e9);
        }
    }
}
