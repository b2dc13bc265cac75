package org.taskscale.spark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.taskscale.config.ConfigException;

/**
 * The photo list of a job (prep, evaluation, inference): every file under the input paths or globs (recursively)
 * and in the list file,
 * on any Hadoop filesystem, without duplicates. Each photo has a key, its path relative to the input that found
 * it (a list file's entries: the path as written): random choices and the split depend on the key, so the same
 * collection gives the same patches wherever it is stored. Photos are ordered by key. Hidden files ('.', '_')
 * are skipped; files whose extension is not a photo's are counted as ignored.
 */
public final class PhotoLister {
    /**
     * A photo: its fully qualified path, its location-independent key, and its size in bytes as listed (-1 for
     * list-file entries, which are not looked up), by which the prep job balances its tasks.
     */
    public static final class Photo implements java.io.Serializable {
        // a class, not a record: Spark's Kryo serialises it field by field (records go through Java serialisation,
        // which costs a class descriptor per element when a million photos are shuffled)
        private final String path;
        private final String key;
        private final long bytes;

        public Photo(String path, String key, long bytes) {
            this.path = path;
            this.key = key;
            this.bytes = bytes;
        }

        public String path() { return path; }
        public String key() { return key; }
        public long bytes() { return bytes; }

        @Override
        public boolean equals(Object o) {
            return o instanceof Photo p && p.path.equals(path) && p.key.equals(key) && p.bytes == bytes;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(path, key, bytes);
        }

        @Override
        public String toString() {
            return "Photo[path=" + path + ", key=" + key + ", bytes=" + bytes + "]";
        }
    }

    /** The photos (by key), and how many other files were skipped. */
    public record Listing(List<Photo> photos, long ignored) {}

    /** The image file extensions evaluation and inference read (prep's are configurable). */
    public static final List<String> IMAGE_EXTENSIONS = List.of("png", "jpg", "jpeg", "bmp", "gif", "tif", "tiff",
            "webp");

    private PhotoLister() {}

    /**
     * The photos under {@code inputs} and in {@code listFile} (empty: none) with one of {@code extensions}, naming
     * {@code key} (the configuration key or argument the inputs came from) in its errors.
     */
    public static Listing list(List<String> inputs, String listFile, List<String> extensions, Configuration conf,
                               String key) throws IOException {
        java.util.Map<String, Photo> photos = new java.util.HashMap<>();
        long[] ignored = {0};
        for (String in : inputs) {
            FileSystem fs = new Path(in).getFileSystem(conf);
            for (FileStatus st : matches(in, fs, key)) {
                if (st.isDirectory()) {
                    String root = fs.makeQualified(st.getPath()).toString();
                    RemoteIterator<LocatedFileStatus> it = fs.listFiles(st.getPath(), true);
                    while (it.hasNext()) {
                        LocatedFileStatus f = it.next();
                        String q = fs.makeQualified(f.getPath()).toString();
                        add(f, q.startsWith(root + "/") ? q.substring(root.length() + 1) : f.getPath().getName(), fs,
                                photos, extensions, ignored);
                    }
                } else {
                    add(st, st.getPath().getName(), fs, photos, extensions, ignored);
                }
            }
        }
        if (!listFile.isEmpty()) {
            Path lf = new Path(listFile);
            FileSystem fs = lf.getFileSystem(conf);
            if (!fs.exists(lf)) {
                throw new ConfigException("taskscale.prep.list-file: " + listFile + " does not exist.");
            }
            try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(lf), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    line = line.strip();
                    if (!line.isEmpty() && !line.startsWith("#")) {
                        Path p = new Path(line);
                        // listed files are taken as given (a missing one becomes a reject, not a crash)
                        String q = p.getFileSystem(conf).makeQualified(p).toString();
                        photos.putIfAbsent(q, new Photo(q, line, -1));
                    }
                }
            }
        }
        List<Photo> sorted = new ArrayList<>(photos.values());
        sorted.sort(java.util.Comparator.comparing(Photo::key).thenComparing(Photo::path));
        return new Listing(sorted, ignored[0]);
    }

    /**
     * The same photos as {@link #list}, as a Spark dataset that the driver never holds: directories are listed on the
     * executors, level by level (a directory's subfolders become the next level's tasks), a list file is read by
     * the executors, and duplicates are merged (the first input that found a path names its key, as in
     * {@link #list}). The driver holds the glob matches of the inputs and, per level, a count. {@code ignored} counts
     * the other files once the photos have been computed.
     */
    public record Distributed(JavaRDD<Photo> photos, JavaRDD<String> ignoredFiles, List<JavaRDD<Entry>> levels) {
        /** Frees the folder listings kept for the two datasets, once they have been computed. */
        public void release() {
            levels.forEach(JavaRDD::unpersist);
        }
    }

    /** {@link #list} at scale: see {@link Distributed}. */
    public static Distributed distributed(JavaSparkContext jsc, List<String> inputs, String listFile,
                                          List<String> extensions, String key) throws IOException {
        Configuration conf = jsc.hadoopConfiguration();
        Broadcast<java.util.Map<String, String>> confMap = jsc.broadcast(HadoopConfs.toMap(conf));
        List<Entry> files = new ArrayList<>();
        List<Entry> dirs = new ArrayList<>();
        for (int k = 0; k < inputs.size(); k++) {
            String in = inputs.get(k);
            FileSystem fs = new Path(in).getFileSystem(conf);
            for (FileStatus st : matches(in, fs, key)) {
                String q = fs.makeQualified(st.getPath()).toString();
                if (st.isDirectory()) {
                    dirs.add(new Entry(k, q, q, st.getLen(), true));
                } else {
                    files.add(new Entry(k, q, st.getPath().getName(), st.getLen(), false));
                }
            }
        }
        List<String> ext = List.copyOf(extensions);
        JavaRDD<Entry> found = jsc.parallelize(files, 1);
        List<JavaRDD<Entry>> levels = new ArrayList<>();
        int width = Math.max(1, jsc.defaultParallelism());
        while (!dirs.isEmpty()) {
            // one level: every folder's entries, listed by the executors; the folders among them are the next level
            JavaRDD<Entry> level = jsc.parallelize(dirs, Math.min(dirs.size(), 4 * width))
                    .flatMap(d -> children(d, confMap.value()))
                    .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK_SER());
            levels.add(level);
            found = found.union(level.filter(e -> !e.dir()));
            dirs = level.filter(Entry::dir).collect();
        }
        int inputCount = inputs.size();
        if (!listFile.isEmpty()) {
            Path lf = new Path(listFile);
            if (!lf.getFileSystem(conf).exists(lf)) {
                throw new ConfigException("taskscale.prep.list-file: " + listFile + " does not exist.");
            }
            // listed files are taken as given (a missing one becomes a reject, not a crash), with every extension
            found = found.union(jsc.textFile(listFile, 2 * width).map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .map(line -> {
                        Path lp = new Path(line);
                        String q = lp.getFileSystem(HadoopConfs.fromMap(confMap.value())).makeQualified(lp).toString();
                        return new Entry(inputCount, q, line, -1, false);
                    }));
        }
        JavaRDD<Entry> all = found;
        JavaRDD<Photo> photos = all.filter(e -> e.input() == inputCount || isPhoto(e.path(), ext))
                .mapToPair(e -> new scala.Tuple2<>(e.path(), e))
                .reduceByKey((a, b) -> a.input() < b.input() || (a.input() == b.input() && a.key().compareTo(b.key()) <= 0) ? a : b)
                .map(t -> new Photo(t._2().path(), t._2().key(), t._2().bytes()));
        JavaRDD<String> ignored = all.filter(e -> e.input() < inputCount && !isPhoto(e.path(), ext)
                && !hidden(e.path())).map(Entry::path);
        return new Distributed(photos, ignored, levels);
    }

    /** A file or folder found under input {@code input} with its key (a folder's key: the input root it lies in). */
    public static final class Entry implements java.io.Serializable {  // a class for Kryo, as Photo
        private final int input;
        private final String path;
        private final String key;
        private final long bytes;
        private final boolean dir;

        Entry(int input, String path, String key, long bytes, boolean dir) {
            this.input = input;
            this.path = path;
            this.key = key;
            this.bytes = bytes;
            this.dir = dir;
        }

        int input() { return input; }
        String path() { return path; }
        String key() { return key; }
        long bytes() { return bytes; }
        boolean dir() { return dir; }
    }

    /** The entries of folder {@code d}: its files as photos keyed relative to the input root, and its folders. */
    private static java.util.Iterator<Entry> children(Entry d, java.util.Map<String, String> conf) throws IOException {
        Path p = new Path(d.path());
        FileSystem fs = p.getFileSystem(HadoopConfs.fromMap(conf));
        RemoteIterator<FileStatus> it = fs.listStatusIterator(p);
        String root = d.key();
        return new java.util.Iterator<>() {
            @Override
            public boolean hasNext() {
                try {
                    return it.hasNext();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            @Override
            public Entry next() {
                try {
                    FileStatus st = it.next();
                    String q = fs.makeQualified(st.getPath()).toString();
                    if (st.isDirectory()) {
                        return new Entry(d.input(), q, root, 0, true);
                    }
                    String rel = q.startsWith(root + "/") ? q.substring(root.length() + 1) : st.getPath().getName();
                    return new Entry(d.input(), q, rel, st.getLen(), false);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
    }

    /** What input {@code in} (a path or glob) matches; none is an error naming {@code key}. */
    private static FileStatus[] matches(String in, FileSystem fs, String key) throws IOException {
        FileStatus[] matches = fs.globStatus(new Path(in));
        if (matches == null || matches.length == 0) {
            throw new ConfigException(key + ": nothing matches '" + in + "'.");
        }
        return matches;
    }

    private static boolean hidden(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.startsWith(".") || name.startsWith("_");
    }

    private static boolean isPhoto(String path, List<String> extensions) {
        if (hidden(path)) {
            return false;
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return extensions.contains(dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static void add(FileStatus st, String key, FileSystem fs, java.util.Map<String, Photo> photos,
                            List<String> extensions, long[] ignored) {
        String q = fs.makeQualified(st.getPath()).toString();
        if (isPhoto(q, extensions)) {
            photos.putIfAbsent(q, new Photo(q, key, st.getLen()));
        } else if (!hidden(q)) {
            ignored[0]++;
        }
    }
}
