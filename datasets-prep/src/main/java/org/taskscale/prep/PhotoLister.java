package org.taskscale.prep;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.taskscale.config.ConfigException;

/**
 * The photo list of a prep run: every file under the input paths or globs (recursively) and in the list file,
 * on any Hadoop filesystem, as fully qualified paths, sorted and without duplicates. Hidden files ('.', '_') are
 * skipped; files whose extension is not a photo's are counted as ignored.
 */
public final class PhotoLister {
    /** The photos, and how many other files were skipped. */
    public record Listing(List<String> photos, long ignored) {}

    private PhotoLister() {}

    public static Listing list(List<String> inputs, String listFile, List<String> extensions, Configuration conf)
            throws IOException {
        TreeSet<String> photos = new TreeSet<>();
        long[] ignored = {0};
        for (String in : inputs) {
            Path p = new Path(in);
            FileSystem fs = p.getFileSystem(conf);
            FileStatus[] matches = fs.globStatus(p);
            if (matches == null || matches.length == 0) {
                throw new ConfigException("taskscale.prep.inputs: nothing matches '" + in + "'.");
            }
            for (FileStatus st : matches) {
                if (st.isDirectory()) {
                    RemoteIterator<LocatedFileStatus> it = fs.listFiles(st.getPath(), true);
                    while (it.hasNext()) {
                        add(it.next().getPath(), fs, photos, extensions, ignored);
                    }
                } else {
                    add(st.getPath(), fs, photos, extensions, ignored);
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
                        photos.add(p.getFileSystem(conf).makeQualified(p).toString());
                    }
                }
            }
        }
        return new Listing(new ArrayList<>(photos), ignored[0]);
    }

    private static void add(Path p, FileSystem fs, TreeSet<String> photos, List<String> extensions, long[] ignored) {
        String name = p.getName();
        if (name.startsWith(".") || name.startsWith("_")) {
            return;
        }
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        if (extensions.contains(ext)) {
            photos.add(fs.makeQualified(p).toString());
        } else {
            ignored[0]++;
        }
    }
}
