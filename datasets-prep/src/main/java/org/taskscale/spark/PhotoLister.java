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
    public record Photo(String path, String key, long bytes) {}

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
            Path p = new Path(in);
            FileSystem fs = p.getFileSystem(conf);
            FileStatus[] matches = fs.globStatus(p);
            if (matches == null || matches.length == 0) {
                throw new ConfigException(key + ": nothing matches '" + in + "'.");
            }
            for (FileStatus st : matches) {
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

    private static void add(FileStatus st, String key, FileSystem fs, java.util.Map<String, Photo> photos,
                            List<String> extensions, long[] ignored) {
        Path p = st.getPath();
        String name = p.getName();
        if (name.startsWith(".") || name.startsWith("_")) {
            return;
        }
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        if (extensions.contains(ext)) {
            String q = fs.makeQualified(p).toString();
            photos.putIfAbsent(q, new Photo(q, key, st.getLen()));
        } else {
            ignored[0]++;
        }
    }
}
