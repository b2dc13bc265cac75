package org.taskscale.infer;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import org.taskscale.fs.AtomicWrites;
import org.taskscale.image.Image;
import org.taskscale.image.ImageDecoder;
import org.taskscale.image.ImageReadException;
import org.taskscale.models.ModelFile;
import org.taskscale.models.Task;
import org.taskscale.prep.PhotoLister;
import org.taskscale.prep.PrepJob;

/**
 * {@code infer}: a model applied to photos of any size (files, folders or globs on any Hadoop filesystem), each
 * written as an 8-bit PNG into the output folder under its name (folders keep their relative paths). Runs in this
 * process, or as a Spark job over the files (one model load per partition). Unreadable files are skipped with
 * the reason and counted.
 */
public final class InferJob {
    private InferJob() {}

    /** What to run: the model, how it is used and tiled. */
    public record Options(String model, Inference.Mode mode, int tile, int overlap, Task task, int scale, String out)
            implements Serializable {}

    /** One file's fate: written to {@code output}, or skipped for {@code reason}. */
    public record Outcome(String input, String output, int width, int height, String reason, double seconds)
            implements Serializable {}


    /** The input photos with their output names (relative to the output folder). */
    static List<String[]> plan(List<String> inputs, Options o, Configuration conf) throws IOException {
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
                o.tile() == 0 ? "off (whole images)" : o.tile() + " px", w.inference.firstRunner().overlap());
        out.flush();
        List<Outcome> outcomes = new ArrayList<>();
        for (String[] p : plan) {
            Outcome r = w.apply(p[0], p[1], out);
            outcomes.add(r);
            report(r, out);
        }
        summary(outcomes, out);
        return outcomes;
    }

    /** Runs as a Spark job over the files. */
    public static List<Outcome> run(List<String> inputs, Options o, JavaSparkContext jsc, PrintWriter out)
            throws IOException {
        List<String[]> plan = plan(inputs, o, jsc.hadoopConfiguration());
        Broadcast<Map<String, String>> confMap = jsc.broadcast(PrepJob.toMap(jsc.hadoopConfiguration()));
        out.printf(Locale.ROOT, "infer: %s, mode %s, %d image(s) on Spark%n", o.model(),
                o.mode().name().toLowerCase(Locale.ROOT), plan.size());
        out.flush();
        int parts = Math.max(1, Math.min(plan.size(), jsc.defaultParallelism()));
        List<Outcome> outcomes = jsc.parallelize(plan, parts).mapPartitions(it -> {
            Worker w = new Worker(o, PrepJob.fromMap(confMap.value()));
            List<Outcome> res = new ArrayList<>();
            while (it.hasNext()) {
                String[] p = it.next();
                res.add(w.apply(p[0], p[1], null));
            }
            return res.iterator();
        }).collect();
        for (Outcome r : outcomes) {
            report(r, out);
        }
        summary(outcomes, out);
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

    private static void summary(List<Outcome> outcomes, PrintWriter out) {
        long skipped = outcomes.stream().filter(r -> r.reason() != null).count();
        out.printf(Locale.ROOT, "infer: %d written, %d skipped; peak memory: %s%n", outcomes.size() - skipped, skipped,
                peakMemory());
        out.flush();
    }

    /** Peak heap (all heap pools, since the JVM started) against the limit, and the process's peak resident size. */
    public static String peakMemory() {
        long heapPeak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                heapPeak += pool.getPeakUsage().getUsed();
            }
        }
        long max = Runtime.getRuntime().maxMemory();
        String rss = "?";
        try {
            for (String line : Files.readAllLines(java.nio.file.Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("VmHWM:")) {
                    rss = String.format(Locale.ROOT, "%d MiB", Long.parseLong(line.replaceAll("\\D", "")) / 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no resident-size figure
        }
        return String.format(Locale.ROOT, "heap %d MiB of %d MiB, process resident %s", heapPeak >> 20, max >> 20, rss);
    }

    /** Loads the model once and applies it to files. */
    static final class Worker {
        final Inference inference;
        private final Options o;
        private final Configuration conf;

        Worker(Options o, Configuration conf) throws IOException {
            this.o = o;
            this.conf = conf;
            Path mp = new Path(o.model());
            try (InputStream in = mp.getFileSystem(conf).open(mp)) {
                this.inference = new Inference(ModelFile.read(in, o.model(), o.task(), o.scale()), o.tile(), o.overlap());
            }
        }

        Outcome apply(String input, String name, PrintWriter progress) throws IOException {
            long t0 = System.nanoTime();
            Path p = new Path(input);
            Image img;
            try (InputStream in = p.getFileSystem(conf).open(p)) {
                img = new ImageDecoder().decode(in.readAllBytes(), input);
            } catch (ImageReadException e) {
                return new Outcome(input, null, 0, 0, e.detail(), 0);
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
