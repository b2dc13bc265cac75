package org.taskscale.prep;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.taskscale.config.ConfigException;
import org.taskscale.config.TaskscaleConfig;
import org.taskscale.io.AtomicWrites;
import org.taskscale.io.BatchFile;
import org.taskscale.io.Csv;
import org.taskscale.io.Digests;
import org.taskscale.io.Manifest;
import org.taskscale.io.OutputGuard;
import org.taskscale.spark.ExecutorMemory;
import org.taskscale.spark.HadoopConfs;
import org.taskscale.spark.PeakMemory;
import org.taskscale.spark.PhotoLister;
import org.taskscale.spark.Progress;
import scala.Tuple2;

/**
 * The prep job: photos on any Hadoop filesystem to pre-batched training files. Each photo is read and decoded
 * once on an executor and cut into augmented 8-bit patches; the patches of each split are numbered in
 * photo-key order, put in a pseudo-random order by a seeded permutation of those numbers, cut into minibatches
 * in that order, turned into the task's examples and written as {@link MultiDataSet} files. Output: {@code train/batch-NNNNNN.bin},
 * {@code valid/batch-NNNNNN.bin}, {@code manifest.json}, {@code rejects.csv}, {@code config.conf}.
 */
public final class PrepJob {
    private PrepJob() {}

    /** A rejected photo, as collected on the driver (only rejects travel there, one by one). */
    record Reject(String path, String reason, String detail) implements Serializable {}

    /** What a dry run found: the photos, the other files, the validation photos and the decode partitions. */
    public record Plan(long photos, long ignored, long validPhotos, int partitions) {}

    /**
     * The listed photos in key order with their ordinals (which number their patches), and which photo the
     * validation split takes when the key hashes pick none.
     */
    private record Listed(JavaPairRDD<PhotoLister.Photo, Long> photos, long count, long ignored, long validPhotos,
                          long forcedValid) {}

    /** Lists {@code taskscale.prep}'s photos and prints what prep would do, writing nothing. */
    public static Plan dryRun(Config config, JavaSparkContext jsc, PrintWriter out) throws IOException {
        PeakMemory.track();
        PrepConfig cfg = PrepConfig.from(config);
        long start = System.nanoTime();
        Listed listed = list(cfg, jsc);
        int parts = partitions(cfg, jsc, listed.count());
        out.printf(Locale.ROOT, "prep: dry run: %d photos (%d other files ignored), %d train and %d validation photos,"
                        + " %d decode partitions; listed in %.1f s; nothing written%n", listed.count(), listed.ignored(),
                listed.count() - listed.validPhotos(), listed.validPhotos(), parts, (System.nanoTime() - start) / 1e9);
        out.printf(Locale.ROOT, "prep: peak memory of this process: %s%n", PeakMemory.describe());
        out.flush();
        listed.photos().unpersist();
        return new Plan(listed.count(), listed.ignored(), listed.validPhotos(), parts);
    }

    /** Runs the job described by {@code config} on {@code jsc}; progress lines go to {@code out}. */
    public static Manifest run(Config config, JavaSparkContext jsc, PrintWriter out) throws IOException {
        PeakMemory.track();
        PrepConfig cfg = PrepConfig.from(config);
        Configuration hconf = jsc.hadoopConfiguration();
        List<OutputGuard.Input> read = new ArrayList<>(OutputGuard.inputs(PrepConfig.PATH + ".inputs", inputs(cfg)));
        read.add(new OutputGuard.Input(cfg.listFile(), PrepConfig.PATH + ".list-file"));
        OutputGuard.check(PrepConfig.PATH + ".output", cfg.output(), read, hconf);
        Path outDir = new Path(cfg.output());
        FileSystem outFs = outDir.getFileSystem(hconf);
        outDir = outFs.makeQualified(outDir);
        prepareOutput(outFs, outDir, cfg.overwrite());

        Listed listed = list(cfg, jsc);
        long n = listed.count();
        out.printf(Locale.ROOT, "prep: %d photos (%d other files ignored), task %s, patch %d, %s, output %s%n",
                n, listed.ignored(), cfg.task().name(), cfg.patchSize(),
                cfg.patchesPerImage() > 0 ? cfg.patchesPerImage() + " patches per photo" : "grid", outDir);
        out.flush();

        Broadcast<Map<String, String>> confMap = jsc.broadcast(HadoopConfs.toMap(hconf));
        int parts = partitions(cfg, jsc, n);
        LongAccumulator photosDone = jsc.sc().longAccumulator("photos done");
        LongAccumulator patchesMade = jsc.sc().longAccumulator("patches made");
        ExecutorMemory executors = ExecutorMemory.register(jsc);
        PhotoPatcher patcher = new PhotoPatcher(cfg);
        double fraction = cfg.validFraction();
        long forced = listed.forcedValid();
        // largest file first: Spark hands out partitions in order, so the longest tasks start first and the last
        // ones to finish are short (in key order, a partition of large photos could run alone at the end)
        JavaRDD<Tuple2<Long, PhotoPatcher.Outcome>> outcomes = listed.photos()
                .mapToPair(t -> new Tuple2<>(new Tuple2<>(t._1().bytes(), t._2()), t._1()))
                .sortByKey(new LargestFirst(), true, parts)
                .map(t -> {
                    long ordinal = t._1()._2();
                    PhotoLister.Photo ph = t._2();
                    boolean valid = ordinal == forced || PhotoPatcher.inValidation(ph.key(), fraction);
                    PhotoPatcher.Outcome o = readAndPatch(ph.path(), ph.key(), valid, patcher, confMap.value());
                    photosDone.add(1);
                    patchesMade.add(o.patches().size());
                    executors.record();
                    return new Tuple2<>(ordinal, o);
                })
                // on the executors' disks, not their heaps: the patches of a large collection outgrow any heap, and
                // they are read twice (the summary, then the batch files)
                .persist(StorageLevel.DISK_ONLY());

        DecodeProgress progress = new DecodeProgress(out, n, photosDone, patchesMade);
        List<PartSummary> summaries;
        try (Progress ignored = Progress.every(5000, "prep-progress", progress::report)) {
            summaries = outcomes.mapPartitions(PrepJob::summarize).collect();
        }
        progress.report();
        long[] stats = new long[3];
        List<Reject> rejects = new ArrayList<>();
        List<String> validPhotos = new ArrayList<>();
        // each accepted photo's first patch number within its split, in key order: 8 bytes per photo on the driver
        long[] first = new long[Math.toIntExact(n)];
        long[] next = new long[2];
        int[] coded = new int[Math.toIntExact(n)];  // patches * 2 + (1 if validation), 0 for none
        for (PartSummary ps : summaries) {
            stats = Tally.plus(stats, ps.tally());
            rejects.addAll(ps.rejects());
            validPhotos.addAll(ps.validPhotos());
            for (int k = 0; k < ps.codes().length; k += 2) {
                coded[(int) ps.codes()[k]] = (int) ps.codes()[k + 1];
            }
        }
        summaries = null;
        validPhotos.sort(null);
        for (int i = 0; i < coded.length; i++) {
            if (coded[i] != 0) {
                first[i] = next[coded[i] & 1];
                next[coded[i] & 1] += coded[i] >>> 1;
            }
        }
        coded = null;
        Broadcast<long[]> starts = jsc.broadcast(first);

        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("inputs", n);
        counts.put("accepted", n - stats[Tally.REJECTED]);
        counts.put("rejected", stats[Tally.REJECTED]);
        counts.put("ignored", listed.ignored());
        ExactSums channelSums = new ExactSums(cfg.inputChannels());
        jsc.sc().register(channelSums, "input channel sums");
        LongAccumulator values = jsc.sc().longAccumulator("input values per channel");
        long[] files = writeSplits(jsc, outcomes, starts, next, outDir, cfg, confMap, channelSums, values, out);
        long patches = 0;
        for (boolean valid : new boolean[] {false, true}) {
            String split = valid ? "valid" : "train";
            counts.put(split + "-photos", stats[valid ? Tally.VALID_PHOTOS : Tally.TRAIN_PHOTOS]);
            counts.put(split + "-patches", next[valid ? 1 : 0]);
            counts.put(split + "-files", files[valid ? 1 : 0]);
            patches += next[valid ? 1 : 0];
        }
        counts.put("patches", patches);
        String keysDigest = keysDigest(listed.photos());
        outcomes.unpersist();
        starts.destroy();
        listed.photos().unpersist();

        List<Double> mean = java.util.Arrays.stream(channelSums.mean(values.value())).boxed().toList();
        Examples shapes = Examples.of(cfg);
        Manifest m = new Manifest(Manifest.FORMAT_VERSION,
                new Manifest.Settings(cfg.task().name(), cfg.task().id(), cfg.task().scales() ? cfg.scale() : 1,
                        cfg.jpegQuality(), cfg.jpegQualityMax(), cfg.colors(), cfg.patchSize(), cfg.layout().name(),
                        cfg.minibatch(), cfg.seed()),
                new Manifest.Shapes(shapes.input(), shapes.labels(), storage(cfg)),
                new Manifest.Contents(counts, mean, "train", "valid", keysDigest, validPhotos),
                TaskscaleConfig.render(config, false));
        AtomicWrites.writeOnce(new Path(outDir, Manifest.FILE), m.json().getBytes(StandardCharsets.UTF_8), hconf);
        AtomicWrites.writeOnce(new Path(outDir, "rejects.csv"), rejectsCsv(rejects).getBytes(StandardCharsets.UTF_8), hconf);
        AtomicWrites.writeOnce(new Path(outDir, "config.conf"),
                TaskscaleConfig.render(config, false).getBytes(StandardCharsets.UTF_8), hconf);
        out.printf(Locale.ROOT, "prep: done: %d inputs = %d accepted + %d rejected; %d patches in %d train and %d valid"
                        + " files; rejects in %s%n", counts.get("inputs"), counts.get("accepted"), counts.get("rejected"),
                patches, counts.get("train-files"), counts.get("valid-files"), new Path(outDir, "rejects.csv"));
        out.printf(Locale.ROOT, "prep: peak memory of this process: %s%n", PeakMemory.describe());
        out.printf(Locale.ROOT, "prep: peak memory of the decode stage's executors: %s%n", executors.describe());
        out.flush();
        return m;
    }

    /** The inputs to list: the configured ones, or the bundled photos when neither inputs nor a list file is given. */
    private static List<String> inputs(PrepConfig cfg) {
        if (!cfg.inputs().isEmpty() || !cfg.listFile().isEmpty()) {
            return cfg.inputs();
        }
        String home = System.getProperty("taskscale.home");
        if (home == null) {
            throw new ConfigException("taskscale.prep.inputs is empty and taskscale.home is not set: name the photos.");
        }
        return List.of(java.nio.file.Path.of(home, "datasets-prep", "samples").toUri().toString());
    }

    /** The photos in key order, numbered, counted, and the validation split's count (see {@link Listed}). */
    private static Listed list(PrepConfig cfg, JavaSparkContext jsc) throws IOException {
        List<String> inputs = inputs(cfg);
        PhotoLister.Distributed found = PhotoLister.distributed(jsc, inputs, cfg.listFile(), cfg.extensions(),
                PrepConfig.PATH + ".inputs");
        JavaPairRDD<PhotoLister.Photo, Long> photos = found.photos()
                .sortBy(p -> p.key() + '\u0000' + p.path(), true, Math.max(1, 4 * jsc.defaultParallelism()))
                .zipWithIndex().persist(StorageLevel.MEMORY_AND_DISK_SER());
        long n = photos.count();
        if (n == 0) {
            throw new ConfigException("taskscale.prep.inputs: no photos under " + inputs + " (extensions "
                    + cfg.extensions() + ").");
        }
        double fraction = cfg.validFraction();
        long valid = photos.keys().filter(p -> PhotoPatcher.inValidation(p.key(), fraction)).count();
        long forced = -1;
        if (valid == 0 && fraction > 0 && n >= 2) {  // a small collection still validates: the smallest hash
            forced = photos.mapToPair(t -> new Tuple2<>(PhotoPatcher.splitHash(t._1().key()), t._2()))
                    .min(new SmallestHash())._2();
            valid = 1;
        }
        long ignored = found.ignoredFiles().count();
        found.release();
        return new Listed(photos, n, ignored, valid, forced);
    }

    /** Orders (file size, ordinal) largest file first, unknown sizes (-1) last, then by ordinal. */
    static final class LargestFirst implements java.util.Comparator<Tuple2<Long, Long>>, Serializable {
        @Override
        public int compare(Tuple2<Long, Long> a, Tuple2<Long, Long> b) {
            int c = Long.compare(b._1(), a._1());
            return c != 0 ? c : Long.compare(a._2(), b._2());
        }
    }

    /** Orders (hash, ordinal) by hash, then ordinal (the first photo of the smallest hash). */
    static final class SmallestHash implements java.util.Comparator<Tuple2<Double, Long>>, Serializable {
        @Override
        public int compare(Tuple2<Double, Long> a, Tuple2<Double, Long> b) {
            int c = Double.compare(a._1(), b._1());
            return c != 0 ? c : Long.compare(a._2(), b._2());
        }
    }

    /** Counts over the decoded photos, reduced across partitions (exact under task retries, unlike accumulators). */
    static final class Tally {
        static final int REJECTED = 0;
        static final int TRAIN_PHOTOS = 1;
        static final int VALID_PHOTOS = 2;

        static long[] of(PhotoPatcher.Outcome o) {
            long[] t = new long[3];
            if (o.rejected()) {
                t[REJECTED] = 1;
            } else {
                t[o.valid() ? VALID_PHOTOS : TRAIN_PHOTOS] = 1;
            }
            return t;
        }

        static long[] plus(long[] a, long[] b) {
            long[] s = a.clone();
            for (int i = 0; i < s.length; i++) {
                s[i] += b[i];
            }
            return s;
        }
    }

    /**
     * What the driver needs of one partition of decoded photos, in one pass: the counts, the rejects, the validation
     * photos' paths, and {@code codes} = {@code [ordinal, patches * 2 + (1 if validation), ...]} of the photos with
     * patches.
     */
    record PartSummary(long[] tally, List<Reject> rejects, List<String> validPhotos, long[] codes)
            implements Serializable {}

    private static java.util.Iterator<PartSummary> summarize(java.util.Iterator<Tuple2<Long, PhotoPatcher.Outcome>> it) {
        long[] tally = new long[3];
        List<Reject> rejects = new ArrayList<>();
        List<String> valid = new ArrayList<>();
        long[] codes = new long[64];
        int k = 0;
        while (it.hasNext()) {
            Tuple2<Long, PhotoPatcher.Outcome> t = it.next();
            PhotoPatcher.Outcome o = t._2();
            tally = Tally.plus(tally, Tally.of(o));
            if (o.rejected()) {
                rejects.add(new Reject(o.path(), o.reason(), o.detail()));
                continue;
            }
            if (o.valid()) {
                valid.add(o.path());
            }
            if (!o.patches().isEmpty()) {
                if (k + 2 > codes.length) {
                    codes = java.util.Arrays.copyOf(codes, codes.length * 2);
                }
                codes[k++] = t._1();
                codes[k++] = o.patches().size() * 2L + (o.valid() ? 1 : 0);
            }
        }
        return List.of(new PartSummary(tally, rejects, valid, java.util.Arrays.copyOf(codes, k))).iterator();
    }

    /** The fingerprint of the sorted photo keys: SHA-256 of each key and a newline, streamed through the driver. */
    private static String keysDigest(JavaPairRDD<PhotoLister.Photo, Long> photos) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            photos.keys().map(PhotoLister.Photo::key).toLocalIterator()
                    .forEachRemaining(k -> md.update((k + "\n").getBytes(StandardCharsets.UTF_8)));
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Shapes of one example for the manifest. */
    record Examples(List<Long> input, List<List<Long>> labels) {
        static Examples of(PrepConfig cfg) {
            int p = cfg.patchSize();
            byte[] grey = new byte[3 * p * p];
            var ex = cfg.task().example(new org.taskscale.degrade.Degradation(cfg.scale(), cfg.colors(), cfg.jpegQuality()),
                    new PhotoPatcher.SourcePatch(0, "", 0, p, grey, cfg.jpegQuality()).image());
            List<List<Long>> labels = ex.labels().stream().map(l -> box(l.shape())).toList();
            return new Examples(box(ex.input().shape()), labels);
        }

        private static List<Long> box(long[] a) {
            return java.util.Arrays.stream(a).boxed().toList();
        }
    }

    private static List<String> storage(PrepConfig cfg) {
        List<String> s = new ArrayList<>();
        for (boolean b : cfg.task().eightBit(cfg.colors())) {
            s.add(b ? "uint8" : "float32");
        }
        return s;
    }

    /**
     * Partitions for {@code items} photos or batches: as configured, or 4 per slot and more for large collections
     * (tasks of at most about 100 items, so that progress and the last tasks stay short), at most one per item.
     */
    private static int partitions(PrepConfig cfg, JavaSparkContext jsc, long items) {
        return cfg.partitions() > 0 ? cfg.partitions()
                : (int) Math.max(1, Math.min(items, Math.max(4L * jsc.defaultParallelism(), (items + 99) / 100)));
    }

    /**
     * Marks a directory as a prep output from the moment the job starts writing it, so that {@code --overwrite}
     * recognises one that a killed run left without its manifest.
     */
    static final String MARKER = "_taskscale-prep";

    /**
     * An empty or new output directory, marked as ours. An existing one with files is replaced only with
     * {@code overwrite}, and only when it is a prep output that holds nothing prep did not write.
     */
    private static void prepareOutput(FileSystem fs, Path dir, boolean overwrite) throws IOException {
        if (fs.exists(dir)) {
            if (fs.getFileStatus(dir).isFile()) {
                throw new ConfigException("taskscale.prep.output: " + dir + " is a file, not a directory.");
            }
            if (fs.listStatus(dir).length > 0) {
                if (!overwrite) {
                    throw new ConfigException("taskscale.prep.output: " + dir + " already holds files; pass --overwrite"
                            + " (taskscale.prep.overwrite = true) to replace them.");
                }
                String foreign = foreignEntry(fs, dir);
                if (foreign != null) {
                    throw new ConfigException("taskscale.prep.output: --overwrite deletes only an earlier prep output, and "
                            + dir + " " + foreign + "; remove it yourself or choose another output.");
                }
                fs.delete(dir, true);
            }
        }
        fs.mkdirs(dir);
        AtomicWrites.replace(AtomicWrites.fileSystem(dir, fs.getConf()), new Path(dir, MARKER),
                "a prep output of taskscale: --overwrite may replace this folder\n".getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Why {@code dir} is not wholly a prep output (a sentence fragment), or null when it is: it carries the marker
     * or a prep manifest, and every entry is one prep writes.
     */
    static String foreignEntry(FileSystem fs, Path dir) throws IOException {
        boolean ours = fs.exists(new Path(dir, MARKER));
        Path manifest = new Path(dir, Manifest.FILE);
        if (!ours && fs.exists(manifest)) {
            try (InputStream in = fs.open(manifest)) {
                Manifest.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                ours = true;
            } catch (IOException | RuntimeException e) {
                return "has a manifest.json that is not a prep manifest (" + e.getMessage() + ")";
            }
        }
        if (!ours) {
            return "has neither a prep manifest nor the " + MARKER + " marker, so it is not a prep output";
        }
        for (org.apache.hadoop.fs.FileStatus st : fs.listStatus(dir)) {
            String name = st.getPath().getName();
            if (st.isDirectory() && (name.equals("train") || name.equals("valid"))) {
                for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(st.getPath())) {
                    String n = f.getPath().getName();
                    if (!f.isFile() || !(n.matches("batch-\\d+\\.bin") || AtomicWrites.isTemporary(n))) {
                        return "holds " + f.getPath() + ", which prep did not write";
                    }
                }
            } else if (!st.isFile() || !(List.of(Manifest.FILE, "rejects.csv", "config.conf", MARKER).contains(name)
                    || AtomicWrites.isTemporary(name))) {
                return "holds " + st.getPath() + ", which prep did not write";
            }
        }
        return null;
    }

    private static PhotoPatcher.Outcome readAndPatch(String path, String key, boolean valid, PhotoPatcher patcher,
                                                     Map<String, String> conf) {
        Path p = new Path(path);
        return patcher.patch(path, key, () -> p.getFileSystem(HadoopConfs.fromMap(conf)).open(p), valid);
    }

    /**
     * Writes both splits' batch files in one pass over the decoded photos; returns how many of each (train, valid).
     * A split's patches are numbered in photo-key order ({@code starts} holds each photo's first number, by ordinal;
     * {@code totals} each split's count), shuffled by a seeded {@link Permutation} of those numbers, and minibatch b
     * holds positions [bB, (b+1)B): one shuffle of the patch data, and the same files for any partitioning.
     */
    private static long[] writeSplits(JavaSparkContext jsc, JavaRDD<Tuple2<Long, PhotoPatcher.Outcome>> outcomes,
                                      Broadcast<long[]> starts, long[] totals, Path outDir, PrepConfig cfg,
                                      Broadcast<Map<String, String>> confMap, ExactSums channelSums,
                                      LongAccumulator values, PrintWriter out) throws IOException {
        FileSystem fs = outDir.getFileSystem(jsc.hadoopConfiguration());
        String[] dirs = new String[2];
        Permutation[] perms = new Permutation[2];
        long b = cfg.minibatch();
        long batches = 0;
        for (int split = 0; split < 2; split++) {
            Path dir = new Path(outDir, split == 1 ? "valid" : "train");
            fs.mkdirs(dir);
            dirs[split] = dir.toString();
            perms[split] = totals[split] == 0 ? null : new Permutation(totals[split], Hashing.combine(cfg.seed(), split + 1));
            batches += (totals[split] + b - 1) / b;
        }
        LongAccumulator[] written = {jsc.sc().longAccumulator("train files written"),
            jsc.sc().longAccumulator("valid files written")};
        if (batches > 0) {
            outcomes.filter(t -> !t._2().rejected())
                    .flatMapToPair(t -> {
                        PhotoPatcher.Outcome o = t._2();
                        int split = o.valid() ? 1 : 0;
                        long base = starts.value()[Math.toIntExact(t._1())];
                        return o.patches().stream().map(p -> {
                            long pos = perms[split].apply(base + p.index());
                            return new Tuple2<>(pos / b * 2 + split, new Tuple2<>(pos, p));  // batch and split in one key
                        }).iterator();
                    })
                    .groupByKey(partitions(cfg, jsc, batches))
                    .foreach(batch -> {
                        List<Tuple2<Long, PhotoPatcher.SourcePatch>> items = new ArrayList<>();
                        batch._2().forEach(items::add);
                        items.sort((x, y) -> Long.compare(x._1(), y._1()));
                        BatchFile.Batch made = BatchWriter.batch(items.stream().map(Tuple2::_2).toList(), cfg);
                        int channels = cfg.inputChannels();
                        boolean nhwc = cfg.layout() == org.deeplearning4j.nn.conf.CNN2DFormat.NHWC;
                        channelSums.add(made.channelSums(0, channels, nhwc));
                        values.add(made.entries().get(0).length() / channels);
                        int split = (int) (batch._1() & 1);
                        Path file = new Path(dirs[split], String.format(Locale.ROOT, "batch-%06d.bin", batch._1() >> 1));
                        AtomicWrites.writeOnce(file, BatchFile.bytes(made), HadoopConfs.fromMap(confMap.value()));
                        written[split].add(1);
                    });
        }
        long[] files = {written[0].value(), written[1].value()};
        for (int split = 0; split < 2; split++) {
            String name = split == 1 ? "valid" : "train";
            if (totals[split] == 0) {
                out.printf(Locale.ROOT, "prep: %s: no patches%n", name);
            } else {
                out.printf(Locale.ROOT, "prep: %s: %d batch files in %s%n", name, files[split], dirs[split]);
            }
        }
        out.flush();
        return files;
    }

    static String rejectsCsv(List<Reject> rejects) {
        StringBuilder sb = new StringBuilder("path,reason,detail\n");
        rejects.stream().sorted((a, b) -> a.path().compareTo(b.path()))
                .forEach(s -> sb.append(Csv.field(s.path())).append(',').append(s.reason()).append(',')
                        .append(Csv.field(s.detail() == null ? "" : s.detail())).append('\n'));
        return sb.toString();
    }

    /** The decode stage's progress line: photos done, patches, patches/s and ETA. */
    record DecodeProgress(PrintWriter out, long total, LongAccumulator photos, LongAccumulator patches, long start) {
        DecodeProgress(PrintWriter out, long total, LongAccumulator photos, LongAccumulator patches) {
            this(out, total, photos, patches, System.nanoTime());
        }

        synchronized void report() {
            double s = (System.nanoTime() - start) / 1e9;
            long done = photos.value();
            long eta = done == 0 ? -1 : Math.round(s / done * (total - done));
            out.printf(Locale.ROOT, "prep: %d/%d photos (%.0f%%), %d patches, %.1f patches/s, %s%n", done, total,
                    100.0 * done / total, patches.value(), patches.value() / Math.max(s, 1e-9),
                    eta < 0 ? "ETA unknown" : done == total ? "decode stage done in " + Math.round(s) + " s"
                            : "ETA " + eta + " s");
            out.flush();
        }
    }
}
