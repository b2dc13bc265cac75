package org.taskscale.prep;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
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
import org.taskscale.spark.HadoopConfs;
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

    /** One photo's fate, as collected on the driver. */
    record Summary(String path, boolean valid, int patches, String reason, String detail) implements Serializable {}

    /** Runs the job described by {@code config} on {@code jsc}; progress lines go to {@code out}. */
    public static Manifest run(Config config, JavaSparkContext jsc, PrintWriter out) throws IOException {
        PrepConfig cfg = PrepConfig.from(config);
        List<String> inputs = cfg.inputs();
        if (inputs.isEmpty() && cfg.listFile().isEmpty()) {
            String home = System.getProperty("taskscale.home");
            if (home == null) {
                throw new ConfigException("taskscale.prep.inputs is empty and taskscale.home is not set: name the photos.");
            }
            inputs = List.of(java.nio.file.Path.of(home, "datasets-prep", "samples").toUri().toString());
        }
        Configuration hconf = jsc.hadoopConfiguration();
        List<OutputGuard.Input> read = new ArrayList<>(OutputGuard.inputs(PrepConfig.PATH + ".inputs", inputs));
        read.add(new OutputGuard.Input(cfg.listFile(), PrepConfig.PATH + ".list-file"));
        OutputGuard.check(PrepConfig.PATH + ".output", cfg.output(), read, hconf);
        Path outDir = new Path(cfg.output());
        FileSystem outFs = outDir.getFileSystem(hconf);
        outDir = outFs.makeQualified(outDir);
        prepareOutput(outFs, outDir, cfg.overwrite());

        PhotoLister.Listing listing = PhotoLister.list(inputs, cfg.listFile(), cfg.extensions(), hconf,
                PrepConfig.PATH + ".inputs");
        List<String> photos = listing.photos().stream().map(PhotoLister.Photo::path).toList();
        List<String> keys = listing.photos().stream().map(PhotoLister.Photo::key).toList();
        if (photos.isEmpty()) {
            throw new ConfigException("taskscale.prep.inputs: no photos under " + inputs + " (extensions "
                    + cfg.extensions() + ").");
        }
        out.printf(Locale.ROOT, "prep: %d photos (%d other files ignored), task %s, patch %d, %s, output %s%n",
                photos.size(), listing.ignored(), cfg.task().name(), cfg.patchSize(),
                cfg.patchesPerImage() > 0 ? cfg.patchesPerImage() + " patches per photo" : "grid", outDir);
        out.flush();

        Broadcast<Map<String, String>> confMap = jsc.broadcast(HadoopConfs.toMap(hconf));
        int parts = partitions(cfg, jsc, photos.size());
        LongAccumulator photosDone = jsc.sc().longAccumulator("photos done");
        LongAccumulator patchesMade = jsc.sc().longAccumulator("patches made");
        PhotoPatcher patcher = new PhotoPatcher(cfg);
        List<Integer> ordinals = largestFirst(listing.photos());
        Broadcast<List<String>> photoList = jsc.broadcast(photos);
        Broadcast<List<String>> photoKeys = jsc.broadcast(keys);
        Broadcast<boolean[]> validation = jsc.broadcast(PhotoPatcher.validation(keys, cfg.validFraction()));
        JavaRDD<PhotoPatcher.Outcome> outcomes = jsc.parallelize(ordinals, parts).map(i -> {
            PhotoPatcher.Outcome o = readAndPatch(photoList.value().get(i), photoKeys.value().get(i),
                    validation.value()[i], patcher, confMap.value());
            photosDone.add(1);
            patchesMade.add(o.patches().size());
            return o;
        }).persist(StorageLevel.MEMORY_AND_DISK());

        DecodeProgress progress = new DecodeProgress(out, photos.size(), photosDone, patchesMade);
        List<Summary> summaries;
        try (Progress ignored = Progress.every(5000, "prep-progress", progress::report)) {
            summaries = new ArrayList<>(outcomes
                    .map(o -> new Summary(o.path(), o.valid(), o.patches().size(), o.reason(), o.detail())).collect());
            Map<String, Integer> ordinal = new HashMap<>();
            for (int i = 0; i < photos.size(); i++) {
                ordinal.put(photos.get(i), i);
            }
            summaries.sort(java.util.Comparator.comparing(s -> ordinal.get(s.path())));  // back in photo-key order
        }
        progress.report();

        Map<String, Long> counts = new LinkedHashMap<>();
        long rejected = summaries.stream().filter(s -> s.reason() != null).count();
        counts.put("inputs", (long) photos.size());
        counts.put("accepted", photos.size() - rejected);
        counts.put("rejected", rejected);
        counts.put("ignored", listing.ignored());
        ExactSums channelSums = new ExactSums(cfg.inputChannels());
        jsc.sc().register(channelSums, "input channel sums");
        LongAccumulator values = jsc.sc().longAccumulator("input values per channel");
        long patches = 0;
        for (boolean valid : new boolean[] {false, true}) {
            String split = valid ? "valid" : "train";
            long n = summaries.stream().filter(s -> s.valid() == valid).mapToLong(Summary::patches).sum();
            long files = writeSplit(jsc, outcomes, summaries, valid, new Path(outDir, split), cfg, confMap,
                    channelSums, values, out);
            counts.put(split + "-photos", summaries.stream().filter(s -> s.valid() == valid && s.reason() == null).count());
            counts.put(split + "-patches", n);
            counts.put(split + "-files", files);
            patches += n;
        }
        counts.put("patches", patches);
        outcomes.unpersist();

        List<Double> mean = java.util.Arrays.stream(channelSums.mean(values.value())).boxed().toList();
        Examples shapes = Examples.of(cfg);
        Manifest m = new Manifest(Manifest.FORMAT_VERSION,
                new Manifest.Settings(cfg.task().name(), cfg.task().id(), cfg.task().scales() ? cfg.scale() : 1,
                        cfg.jpegQuality(), cfg.jpegQualityMax(), cfg.colors(), cfg.patchSize(), cfg.layout().name(),
                        cfg.minibatch(), cfg.seed()),
                new Manifest.Shapes(shapes.input(), shapes.labels(), storage(cfg)),
                new Manifest.Contents(counts, mean, "train", "valid", sha256(keys),
                        summaries.stream().filter(s -> s.valid() && s.reason() == null).map(Summary::path).sorted().toList()),
                TaskscaleConfig.render(config, false));
        AtomicWrites.writeOnce(new Path(outDir, Manifest.FILE), m.json().getBytes(StandardCharsets.UTF_8), hconf);
        AtomicWrites.writeOnce(new Path(outDir, "rejects.csv"), rejectsCsv(summaries).getBytes(StandardCharsets.UTF_8), hconf);
        AtomicWrites.writeOnce(new Path(outDir, "config.conf"),
                TaskscaleConfig.render(config, false).getBytes(StandardCharsets.UTF_8), hconf);
        out.printf(Locale.ROOT, "prep: done: %d inputs = %d accepted + %d rejected; %d patches in %d train and %d valid"
                        + " files; rejects in %s%n", counts.get("inputs"), counts.get("accepted"), counts.get("rejected"),
                patches, counts.get("train-files"), counts.get("valid-files"), new Path(outDir, "rejects.csv"));
        out.flush();
        return m;
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

    /** Partitions for {@code items} photos or batches: as configured, or 4 per slot but at most one per item. */
    private static int partitions(PrepConfig cfg, JavaSparkContext jsc, long items) {
        return cfg.partitions() > 0 ? cfg.partitions()
                : (int) Math.max(1, Math.min(items, 4L * jsc.defaultParallelism()));
    }

    /**
     * The photos' ordinals, largest file first (then in key order): Spark hands out partitions in order, so the
     * longest tasks start first and the last ones to finish are short (in key order, a partition of large photos
     * could run alone at the end while the other cores idle).
     */
    static List<Integer> largestFirst(List<PhotoLister.Photo> photos) {
        return java.util.stream.IntStream.range(0, photos.size()).boxed()
                .sorted(java.util.Comparator.comparingLong((Integer i) -> -photos.get(i).bytes())
                        .thenComparingInt(i -> i))
                .toList();
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
     * Writes one split's batch files; returns how many. The split's patches are numbered in photo-key order
     * (the driver knows each photo's patch count), shuffled by a seeded {@link Permutation} of those numbers,
     * and minibatch b holds positions [bB, (b+1)B): one shuffle of the patch data, and the same files for any
     * partitioning.
     */
    private static long writeSplit(JavaSparkContext jsc, JavaRDD<PhotoPatcher.Outcome> outcomes, List<Summary> summaries,
                                   boolean valid, Path dir, PrepConfig cfg, Broadcast<Map<String, String>> confMap,
                                   ExactSums channelSums, LongAccumulator values, PrintWriter out)
            throws IOException {
        FileSystem fs = dir.getFileSystem(jsc.hadoopConfiguration());
        fs.mkdirs(dir);
        Map<String, Long> starts = new HashMap<>();
        long n = 0;
        for (Summary s : summaries) {  // summaries are in photo-key order
            if (s.valid() == valid && s.reason() == null) {
                starts.put(s.path(), n);
                n += s.patches();
            }
        }
        if (n == 0) {
            out.printf(Locale.ROOT, "prep: %s: no patches%n", valid ? "valid" : "train");
            out.flush();
            return 0;
        }
        Broadcast<Map<String, Long>> first = jsc.broadcast(starts);
        Permutation perm = new Permutation(n, Hashing.combine(cfg.seed(), valid ? 2 : 1));
        long b = cfg.minibatch();
        String dirName = dir.toString();
        LongAccumulator written = jsc.sc().longAccumulator("files written");
        outcomes.filter(o -> o.valid() == valid && !o.rejected())
                .flatMapToPair(o -> {
                    long base = first.value().get(o.path());
                    return o.patches().stream().map(p -> {
                        long pos = perm.apply(base + p.index());
                        return new Tuple2<>(pos / b, new Tuple2<>(pos, p));
                    }).iterator();
                })
                .groupByKey(partitions(cfg, jsc, (n + b - 1) / b))
                .foreach(batch -> {
                    List<Tuple2<Long, PhotoPatcher.SourcePatch>> items = new ArrayList<>();
                    batch._2().forEach(items::add);
                    items.sort((x, y) -> Long.compare(x._1(), y._1()));
                    BatchFile.Batch made = BatchWriter.batch(items.stream().map(Tuple2::_2).toList(), cfg);
                    int channels = cfg.inputChannels();
                    boolean nhwc = cfg.layout() == org.deeplearning4j.nn.conf.CNN2DFormat.NHWC;
                    channelSums.add(made.channelSums(0, channels, nhwc));
                    values.add(made.entries().get(0).length() / channels);
                    Path file = new Path(dirName, String.format(Locale.ROOT, "batch-%06d.bin", batch._1()));
                    AtomicWrites.writeOnce(file, BatchFile.bytes(made), HadoopConfs.fromMap(confMap.value()));
                    written.add(1);
                });
        long files = written.value();
        out.printf(Locale.ROOT, "prep: %s: %d batch files in %s%n", valid ? "valid" : "train", files, dir);
        out.flush();
        return files;
    }

    static String rejectsCsv(List<Summary> summaries) {
        StringBuilder sb = new StringBuilder("path,reason,detail\n");
        summaries.stream().filter(s -> s.reason() != null).sorted((a, b) -> a.path().compareTo(b.path()))
                .forEach(s -> sb.append(Csv.field(s.path())).append(',').append(s.reason()).append(',')
                        .append(Csv.field(s.detail() == null ? "" : s.detail())).append('\n'));
        return sb.toString();
    }

    /** The fingerprint of the sorted photo list: SHA-256 of each path and a newline. */
    private static String sha256(List<String> photos) {
        return Digests.sha256(photos.stream().map(p -> p + "\n").collect(java.util.stream.Collectors.joining()));
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
