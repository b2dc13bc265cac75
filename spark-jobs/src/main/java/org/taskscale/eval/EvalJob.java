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
import org.taskscale.io.ModelZoo;
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
                List<Integer> lrJpeg = lrJpeg(info, cfg, zip, out);
                for (int setting : settings(info, cfg, zip, out)) {
                    for (int lrq : lrJpeg) {
                        for (var d : images.entrySet()) {
                            int n = 0;
                            for (PhotoLister.Photo ph : d.getValue()) {
                                items.add(new Item(zip, d.getKey(), ph.path(), ph.key(), info.task(),
                                        info.task().scales() ? setting : 1, info.task().usesQuality() ? setting : 10,
                                        lrq, crops && lrq == lrJpeg.get(0) && n++ < cfg.crops(), ph.bytes()));
                            }
                        }
                    }
                }
            }
        }
        return items;
    }

    /** What the model at {@code zip} is: its metadata entry alone, or the whole model for zips without one. */
    private static ModelFile.Info info(String zip, EvalConfig cfg, Configuration conf) throws IOException {
        ModelFile.Info info;
        try (InputStream in = ModelZoo.open(zip, conf)) {
            info = ModelFile.peek(in);
        }
        if (info == null) {
            try (InputStream in = ModelZoo.open(zip, conf)) {
                return ModelFile.read(in, zip, cfg.task(), cfg.scale()).info();
            }
        }
        return info.with(cfg.task(), cfg.scale());
    }

    /** The LR JPEG qualities a model is evaluated at: the configured ones for rescalers, none (0) for the others. */
    private static List<Integer> lrJpeg(ModelFile.Info info, EvalConfig cfg, String zip, PrintWriter out) {
        if (cfg.lrJpeg().isEmpty() || cfg.lrJpeg().equals(List.of(0))) {
            return List.of(0);
        }
        if (!info.task().hasPreview()) {
            out.printf("eval: %s is a %s model, with no LR image to store as a JPEG: evaluated without lr-jpeg%n", zip,
                    info.task().name());
            return List.of(0);
        }
        return cfg.lrJpeg().stream().distinct().toList();
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
        if (ModelZoo.isZoo(spec)) {
            ModelZoo.get(spec);
            return List.of(spec);
        }
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
        PeakMemory.track();
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
        removeParts(cfg.out(), conf);
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
            if (ModelZoo.isZoo(it.checkpoint())) {
                continue;  // trained elsewhere: its figures are in bin/taskscale zoo
            }
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

    /**
     * The most images one sweep task evaluates. Spark reports a task's accumulator updates (the progress line's count)
     * only when the task ends, so 500-image tasks left the progress at 0 for most of a sweep; smaller tasks also
     * leave less work on one core at the end. A task loads its checkpoint once, which at 50 images is a small share.
     */
    static final int MAX_TASK_IMAGES = 50;

    /**
     * The sweep's tasks: each holds images of one checkpoint (so a task loads its model once), a checkpoint's images
     * are dealt out largest first over as many tasks as give at least {@code target} tasks in all and at most
     * {@link #MAX_TASK_IMAGES} images a task, and the tasks are ordered by their bytes, largest first: Spark starts
     * them in that order, so the last to finish are small and every core stays busy to the end.
     */
    static List<List<Item>> tasks(List<Item> items, int target) {
        Map<String, List<Item>> byCheckpoint = new LinkedHashMap<>();
        for (Item it : items) {
            byCheckpoint.computeIfAbsent(it.checkpoint(), k -> new ArrayList<>()).add(it);
        }
        int per = Math.max(1, (target + byCheckpoint.size() - 1) / byCheckpoint.size());
        List<List<Item>> tasks = new ArrayList<>();
        for (List<Item> group : byCheckpoint.values()) {
            List<Item> sorted = new ArrayList<>(group);
            sorted.sort(Comparator.comparingLong((Item it) -> -it.bytes()));
            int k = Math.min(Math.max(per, (sorted.size() + MAX_TASK_IMAGES - 1) / MAX_TASK_IMAGES), sorted.size());
            List<List<Item>> dealt = new ArrayList<>();
            for (int t = 0; t < k; t++) {
                dealt.add(new ArrayList<>());
            }
            for (int i = 0; i < sorted.size(); i++) {  // round-robin: every task gets large and small images
                dealt.get(i % k).add(sorted.get(i));
            }
            tasks.addAll(dealt);
        }
        tasks.sort(Comparator.comparingLong((List<Item> t) -> -t.stream().mapToLong(it -> Math.max(it.bytes(), 0)).sum()));
        return tasks;
    }

    /**
     * A task's results file under {@code OUT/_parts}: named by a digest of its items and of the model files they
     * use (path, length, modification time), so that a sweep run again after a kill reuses exactly the tasks that
     * finished and nothing from another sweep or an older model.
     */
    static String partName(List<Item> task, Map<String, String> modelStamps) {
        StringBuilder sb = new StringBuilder();
        for (Item it : task) {
            sb.append(it).append('|').append(modelStamps.get(it.checkpoint())).append('\n');
        }
        return "part-" + org.taskscale.io.Digests.sha256(sb.toString()).substring(0, 24) + ".bin";
    }

    /** Each model file's length and modification time, by path: what a task's results file depends on. */
    static Map<String, String> stamps(List<Item> items, Configuration conf) throws IOException {
        Map<String, String> stamps = new LinkedHashMap<>();
        for (Item it : items) {
            if (ModelZoo.isZoo(it.checkpoint()) && !stamps.containsKey(it.checkpoint())) {
                stamps.put(it.checkpoint(), "zoo@" + org.taskscale.io.Digests.sha256(ModelZoo.bytes(it.checkpoint())));
            } else if (!stamps.containsKey(it.checkpoint())) {
                Path zp = new Path(it.checkpoint());
                FileStatus st = zp.getFileSystem(conf).getFileStatus(zp);
                stamps.put(it.checkpoint(), st.getLen() + "@" + st.getModificationTime());
            }
        }
        return stamps;
    }

    private static List<Outcome> spark(List<Item> items, EvalConfig cfg, JavaSparkContext jsc, PrintWriter out)
            throws IOException {
        Configuration conf = jsc.hadoopConfiguration();
        Broadcast<Map<String, String>> confMap = jsc.broadcast(HadoopConfs.toMap(conf));
        LongAccumulator done = jsc.sc().longAccumulator("images evaluated");
        List<List<Item>> tasks = tasks(items, cfg.partitions() > 0 ? cfg.partitions() : 4 * jsc.defaultParallelism());
        Map<String, String> stamps = stamps(items, conf);
        Path partsDir = new Path(cfg.out(), PARTS);
        FileSystem fs = partsDir.getFileSystem(conf);
        fs.mkdirs(partsDir);
        List<String> names = tasks.stream().map(t -> partName(t, stamps)).toList();
        int reused = 0;
        for (String name : names) {
            reused += fs.exists(new Path(partsDir, name)) ? 1 : 0;
        }
        out.printf(Locale.ROOT, "eval: %d tasks of one checkpoint each, largest images first%s; results in %s as tasks"
                + " finish%n", tasks.size(), reused == 0 ? "" : " (" + reused + " finished before: reused)", partsDir);
        out.flush();
        int tile = cfg.tile();
        Task task = cfg.task();
        int scale = cfg.scale();
        int cropSize = cfg.cropSize();
        long maxPixels = cfg.maxPixels();
        String dir = fs.makeQualified(partsDir).toString();
        long start = System.nanoTime();
        List<Outcome> outcomes = new ArrayList<>();
        try (Progress progress = Progress.every(10_000, "eval-progress", () -> {
            long n = done.value();
            double el = (System.nanoTime() - start) / 1e9;
            out.printf(Locale.ROOT, "eval: %d/%d images, %.1f images/min, ETA %s%n", n, items.size(), n / el * 60,
                    n == 0 ? "?" : String.format(Locale.ROOT, "%.0f s", el / n * (items.size() - n)));
            out.flush();
        })) {
            Devices.Recorder devices = Devices.Recorder.register(jsc);
            List<scala.Tuple2<List<Item>, String>> work = new ArrayList<>();
            for (int i = 0; i < tasks.size(); i++) {
                work.add(new scala.Tuple2<>(tasks.get(i), names.get(i)));
            }
            // one task per partition, in the order above; each publishes its results file when it finishes
            jsc.parallelize(work, work.size()).foreach(w -> {
                Configuration c = HadoopConfs.fromMap(confMap.value());
                Path part = new Path(dir, w._2());
                FileSystem pfs = part.getFileSystem(c);
                if (!pfs.exists(part)) {
                    devices.bind();  // before any network is loaded
                    ImageEvaluator ev = new ImageEvaluator(c, tile, task, scale, cropSize, maxPixels);
                    List<Outcome> res = new ArrayList<>();
                    for (Item it : w._1()) {
                        res.add(ev.evaluate(it));
                        done.add(1);
                    }
                    writePart(pfs, part, res);
                }
            });
            devices.distinct().forEach(b -> out.println("eval: " + b.line()));
            for (String name : names) {
                outcomes.addAll(readPart(fs, new Path(partsDir, name)));
            }
        }
        Map<Item, Integer> order = new java.util.HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            order.put(items.get(i), i);
        }
        outcomes.sort(Comparator.comparingInt(o -> order.get(o.item())));  // back in plan order
        return outcomes;
    }

    /** Where a Spark sweep's tasks leave their results until eval.json and eval.csv are written. */
    static final String PARTS = "_parts";

    /** Removes the task results once the sweep's files are written (only files of our naming, then the folder if empty). */
    static void removeParts(String outDir, Configuration conf) throws IOException {
        Path partsDir = new Path(outDir, PARTS);
        FileSystem fs = partsDir.getFileSystem(conf);
        if (!fs.exists(partsDir)) {
            return;
        }
        for (FileStatus st : fs.listStatus(partsDir)) {
            if (st.isFile() && st.getPath().getName().matches("part-[0-9a-f]{24}\\.bin")) {
                fs.delete(st.getPath(), false);
            }
        }
        if (fs.listStatus(partsDir).length == 0) {
            fs.delete(partsDir, false);
        }
    }

    /** A task's outcomes (Java serialisation of the records, crops included), published by rename. */
    static void writePart(FileSystem fs, Path part, List<Outcome> res) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream o = new java.io.ObjectOutputStream(bytes)) {
            o.writeObject(new ArrayList<>(res));
        }
        fs.mkdirs(part.getParent());
        org.taskscale.io.AtomicWrites.writeOnce(part, bytes.toByteArray(), fs.getConf());
    }

    @SuppressWarnings("unchecked")
    private static List<Outcome> readPart(FileSystem fs, Path part) throws IOException {
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(fs.open(part))) {
            return (List<Outcome>) in.readObject();
        } catch (ClassNotFoundException e) {
            throw new IOException("The sweep's task results " + part + " cannot be read: " + e.getMessage(), e);
        }
    }
}
