package org.taskscale.eval;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import org.taskscale.eval.ImageEvaluator.Item;
import org.taskscale.eval.ImageEvaluator.Outcome;
import org.taskscale.io.ModelFile;
import org.taskscale.io.OutputGuard;
import org.taskscale.spark.Devices;
import org.taskscale.spark.HadoopConfs;
import org.taskscale.spark.PeakMemory;
import org.taskscale.spark.PhotoLister;
import org.taskscale.spark.Progress;
import org.taskscale.tasks.Task;

/**
 * The evaluation sweep: checkpoints x datasets x scales (or JPEG qualities), each image evaluated whole (tiled,
 * identical to whole-image inference) on an executor, or in this process when no Spark context is given. The
 * driver only lists files and reads what each model is; results go to eval.json, eval.csv and report.html.
 */
public final class EvalJob {
    private EvalJob() {}

    /** What a sweep produced. */
    public record Result(List<ImageEvaluator.Row> rows, List<EvalResults.Summary> summary, List<String> skipped,
                         Path report) {}

    /** The work list, in checkpoint order (so that a partition mostly loads one model); notes go to {@code out}. */
    static List<Item> plan(EvalConfig cfg, Configuration conf, PrintWriter out) throws IOException {
        Map<String, List<PhotoLister.Photo>> images = new LinkedHashMap<>();
        for (var d : cfg.datasets().entrySet()) {
            List<PhotoLister.Photo> photos = PhotoLister.list(d.getValue(), "", PhotoLister.IMAGE_EXTENSIONS, conf,
                    EvalConfig.PATH + ".datasets." + d.getKey()).photos();
            if (photos.isEmpty()) {
                throw new IllegalArgumentException("The dataset " + d.getKey() + " (" + d.getValue() + ") has no images ("
                        + String.join(", ", PhotoLister.IMAGE_EXTENSIONS) + ").");
            }
            images.put(d.getKey(), photos.stream().sorted(Comparator.comparing(PhotoLister.Photo::key)).toList());
        }
        List<Item> items = new ArrayList<>();
        for (String spec : cfg.checkpoints()) {
            List<String> zips = expand(spec, cfg.allCheckpoints(), conf);
            for (String zip : zips) {
                ModelFile.Info info = info(zip, cfg, conf);
                boolean crops = zip.equals(zips.get(zips.size() - 1));
                for (int setting : settings(info, cfg, zip, out)) {
                    for (var d : images.entrySet()) {
                        int n = 0;
                        for (PhotoLister.Photo ph : d.getValue()) {
                            items.add(new Item(zip, d.getKey(), ph.path(), ph.key(), info.task(),
                                    info.task().scales() ? setting : 1, info.task().usesQuality() ? setting : 10, crops && n++ < cfg.crops()));
                        }
                    }
                }
            }
        }
        return items;
    }

    /** What the model at {@code zip} is: its metadata entry alone, or the whole model for zips without one. */
    private static ModelFile.Info info(String zip, EvalConfig cfg, Configuration conf) throws IOException {
        Path p = new Path(zip);
        FileSystem fs = p.getFileSystem(conf);
        ModelFile.Info info;
        try (InputStream in = fs.open(p)) {
            info = ModelFile.peek(in);
        }
        if (info == null) {
            try (InputStream in = fs.open(p)) {
                return ModelFile.read(in, zip, cfg.task(), cfg.scale()).info();
            }
        }
        return info.with(cfg.task(), cfg.scale());
    }

    /** The scales (scaling tasks), JPEG qualities (restoration) or the one setting (others) a model runs at. */
    private static List<Integer> settings(ModelFile.Info info, EvalConfig cfg, String zip, PrintWriter out) {
        Task t = info.task();
        if (t.usesQuality()) {
            return cfg.qualities().isEmpty() ? List.of(10) : cfg.qualities();
        }
        if (!t.scales()) {
            return List.of(1);
        }
        if (cfg.scales().isEmpty()) {
            return List.of(info.scale());
        }
        List<Integer> ok = new ArrayList<>();
        for (int s : cfg.scales()) {
            if (s == info.scale() || t.anyScale()) {
                ok.add(s);
            } else {
                out.printf("eval: %s is a x%d model: not evaluated at x%d%n", zip, info.scale(), s);
            }
        }
        return ok;
    }

    /** A checkpoint spec as model zips: a zip, a glob of zips, or a run directory (its model.zip, or all checkpoints). */
    static List<String> expand(String spec, boolean all, Configuration conf) throws IOException {
        Path p = new Path(spec);
        FileSystem fs = p.getFileSystem(conf);
        FileStatus[] matches = fs.globStatus(p);
        if (matches == null || matches.length == 0) {
            throw new IllegalArgumentException("The checkpoint " + spec + " does not exist.");
        }
        List<String> out = new ArrayList<>();
        for (FileStatus st : matches) {
            if (!st.isDirectory()) {
                out.add(st.getPath().toString());
                continue;
            }
            Path model = new Path(st.getPath(), "model.zip");
            Path ckpts = new Path(st.getPath(), "checkpoints");
            if (all && fs.exists(ckpts)) {
                FileStatus[] c = fs.listStatus(ckpts, q -> q.getName().matches("iter-\\d+\\.zip"));
                Arrays.sort(c, Comparator.comparing(q -> q.getPath().getName()));
                for (FileStatus z : c) {
                    String json = z.getPath().getName().replace(".zip", ".json");
                    if (fs.exists(new Path(ckpts, json))) {
                        out.add(z.getPath().toString());
                    }
                }
            }
            if (fs.exists(model)) {
                out.add(model.toString());
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("The run directory " + st.getPath() + " holds no model.zip"
                        + (all ? " and no complete checkpoints." : " (all-checkpoints = true also takes checkpoints/)."));
            }
        }
        return out;
    }

    /** Runs the sweep; with {@code jsc} null, in this process. */
    public static Result run(EvalConfig cfg, JavaSparkContext jsc, Configuration conf, String title, PrintWriter out)
            throws IOException {
        List<Item> items = plan(cfg, conf, out);
        List<OutputGuard.Input> read = new ArrayList<>();
        cfg.datasets().forEach((name, paths) -> read.addAll(OutputGuard.inputs(EvalConfig.PATH + ".datasets." + name, paths)));
        items.stream().map(Item::checkpoint).distinct()
                .forEach(zip -> read.add(new OutputGuard.Input(zip, EvalConfig.PATH + ".checkpoints")));
        OutputGuard.check(EvalConfig.PATH + ".out", cfg.out(), read, conf);
        long checkpoints = items.stream().map(Item::checkpoint).distinct().count();
        out.printf(Locale.ROOT, "eval: %d checkpoint(s) x %d dataset(s): %d image evaluations%s%n", checkpoints,
                cfg.datasets().size(), items.size(), jsc == null ? " in this process" : " on Spark");
        out.flush();
        List<Outcome> outcomes = jsc == null ? local(items, cfg, conf, out) : spark(items, cfg, jsc, out);
        List<ImageEvaluator.Row> rows = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<ImageEvaluator.Crops> crops = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.row() != null) {
                rows.add(o.row());
            } else {
                skipped.add(o.item().path() + ": " + o.skipped());
                out.printf("eval: skipped %s: %s%n", o.item().path(), o.skipped());
            }
            if (o.crops() != null) {
                crops.add(o.crops());
            }
        }
        List<EvalResults.Summary> summary = EvalResults.write(rows, skipped, cfg.out(), conf, out);
        Path report = new Path(cfg.out(), "report.html");
        FileSystem fs = report.getFileSystem(conf);
        EvalResults.write(fs, report, Report.html(title, summary, runs(items, conf), crops));
        out.printf("eval: report %s%n", fs.makeQualified(report));
        out.printf("eval: peak memory of this process: %s%n", PeakMemory.describe());
        out.flush();
        return new Result(rows, summary, skipped, fs.makeQualified(report));
    }

    /** The training logs of the runs the checkpoints come from (their metrics.csv), one per run. */
    static List<Report.Run> runs(List<Item> items, Configuration conf) throws IOException {
        Set<Path> dirs = new LinkedHashSet<>();
        for (Item it : items) {
            Path p = new Path(it.checkpoint()).getParent();
            if (p != null && p.getName().equals("checkpoints")) {
                p = p.getParent();
            }
            if (p != null) {
                dirs.add(p);
            }
        }
        List<Report.Run> runs = new ArrayList<>();
        for (Path d : dirs) {
            Path m = new Path(d, "metrics.csv");
            FileSystem fs = m.getFileSystem(conf);
            if (fs.exists(m)) {
                try (InputStream in = fs.open(m)) {
                    runs.add(new Report.Run(d.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
            }
        }
        return runs;
    }

    private static List<Outcome> local(List<Item> items, EvalConfig cfg, Configuration conf, PrintWriter out)
            throws IOException {
        ImageEvaluator ev = new ImageEvaluator(conf, cfg.tile(), cfg.task(), cfg.scale(), cfg.cropSize(), cfg.maxPixels());
        List<Outcome> outcomes = new ArrayList<>();
        long start = System.nanoTime();
        for (Item it : items) {
            Outcome o = ev.evaluate(it);
            outcomes.add(o);
            if (o.row() != null) {
                var r = o.row();
                double el = (System.nanoTime() - start) / 1e9;
                out.printf(Locale.ROOT, "eval: %d/%d %-24s %s PSNR-Y %6.2f dB (baseline %6.2f, %+5.2f)  SSIM-Y %.4f"
                                + "  ETA %.0f s%n", outcomes.size(), items.size(), it.image(), ImageEvaluator.label(it.checkpoint()),
                        r.psnrY(), r.baselinePsnrY(), r.psnrY() - r.baselinePsnrY(), r.ssimY(),
                        el / outcomes.size() * (items.size() - outcomes.size()));
                out.flush();
            }
        }
        return outcomes;
    }

    private static List<Outcome> spark(List<Item> items, EvalConfig cfg, JavaSparkContext jsc, PrintWriter out) {
        Broadcast<Map<String, String>> confMap = jsc.broadcast(HadoopConfs.toMap(jsc.hadoopConfiguration()));
        LongAccumulator done = jsc.sc().longAccumulator("images evaluated");
        int parts = cfg.partitions() > 0 ? cfg.partitions() : Math.max(1, Math.min(items.size(), 2 * jsc.defaultParallelism()));
        int tile = cfg.tile();
        Task task = cfg.task();
        int scale = cfg.scale();
        int cropSize = cfg.cropSize();
        long maxPixels = cfg.maxPixels();
        long start = System.nanoTime();
        try (Progress progress = Progress.every(10_000, "eval-progress", () -> {
            long n = done.value();
            double el = (System.nanoTime() - start) / 1e9;
            out.printf(Locale.ROOT, "eval: %d/%d images, %.1f images/min, ETA %s%n", n, items.size(), n / el * 60,
                    n == 0 ? "?" : String.format(Locale.ROOT, "%.0f s", el / n * (items.size() - n)));
            out.flush();
        })) {
            Devices.Recorder devices = Devices.Recorder.register(jsc);
            List<Outcome> outcomes = jsc.parallelize(items, parts).mapPartitions(it -> {
                devices.bind();  // before any network is loaded
                ImageEvaluator ev = new ImageEvaluator(HadoopConfs.fromMap(confMap.value()), tile, task, scale, cropSize,
                        maxPixels);
                List<Outcome> res = new ArrayList<>();
                while (it.hasNext()) {
                    res.add(ev.evaluate(it.next()));
                    done.add(1);
                }
                return res.iterator();
            }).collect();
            devices.distinct().forEach(b -> out.println("eval: " + b.line()));
            return outcomes;
        }
    }
}
