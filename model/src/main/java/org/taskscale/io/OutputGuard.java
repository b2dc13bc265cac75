package org.taskscale.io;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.taskscale.config.ConfigException;

/**
 * The rule every job that writes or deletes follows before it touches anything: its output is not one of its
 * inputs, does not contain one, and does not lie inside one. Paths are compared fully qualified (scheme,
 * authority, absolute path), normalised, and on the local filesystem with symbolic links resolved; a glob counts
 * from its first fixed folder, the most it can match.
 */
public final class OutputGuard {
    private OutputGuard() {}

    /** An input path and the option or key it came from, for the message. */
    public record Input(String path, String key) {}

    /**
     * Throws a {@link ConfigException} (exit code 2, one line naming both paths) when {@code output} (given as
     * {@code outputKey}) is, contains or lies inside one of {@code inputs}.
     */
    public static void check(String outputKey, String output, List<Input> inputs, Configuration conf) throws IOException {
        URI out = canonical(output, conf);
        for (Input in : inputs) {
            if (in.path() == null || in.path().isBlank() || ModelZoo.isZoo(in.path())) {
                continue;  // a zoo model is read from the jar
            }
            URI i = canonical(in.path(), conf);
            String relation = relation(out, i);
            if (relation != null) {
                throw new ConfigException(outputKey + " " + out + " " + relation + " the input " + i + " (" + in.key()
                        + "): a job never writes where it reads; choose an output outside its inputs.");
            }
        }
    }

    /** Inputs from one key. */
    public static List<Input> inputs(String key, List<String> paths) {
        List<Input> l = new ArrayList<>();
        for (String p : paths) {
            l.add(new Input(p, key));
        }
        return l;
    }

    /** "is", "contains", "lies inside", or null when neither path holds the other. */
    static String relation(URI out, URI in) {
        if (!Objects.equals(out.getScheme(), in.getScheme()) || !Objects.equals(out.getAuthority(), in.getAuthority())) {
            return null;
        }
        String o = trim(out.getPath());
        String i = trim(in.getPath());
        if (o.equals(i)) {
            return "is";
        }
        if (i.startsWith(o.endsWith("/") ? o : o + "/")) {
            return "contains";
        }
        if (o.startsWith(i.endsWith("/") ? i : i + "/")) {
            return "lies inside";
        }
        return null;
    }

    private static String trim(String p) {
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    /** The qualified, normalised form of {@code path} (a glob: its fixed prefix), local links resolved. */
    static URI canonical(String path, Configuration conf) throws IOException {
        Path p = fixedPrefix(new Path(path));
        Path q = p.getFileSystem(conf).makeQualified(p);
        URI u = q.toUri().normalize();
        if ("file".equals(u.getScheme())) {
            java.nio.file.Path local = Paths.get(u);
            java.nio.file.Path existing = local;
            java.nio.file.Path rest = Paths.get("");
            while (existing != null && !Files.exists(existing)) {
                rest = existing.getFileName().resolve(rest);
                existing = existing.getParent();
            }
            if (existing != null) {
                local = existing.toRealPath().resolve(rest).normalize();
            }
            try {
                return new URI("file", null, local.toString(), null);
            } catch (java.net.URISyntaxException e) {
                throw new IOException("Cannot name the local path " + local + ": " + e.getMessage(), e);
            }
        }
        return u;
    }

    /** The path up to (not including) its first component with a glob character. */
    private static Path fixedPrefix(Path p) {
        Path fixed = p;
        for (Path c = p; c != null; c = c.getParent()) {
            if (c.getName().matches(".*[*?\\[\\]{}].*")) {
                fixed = c.getParent();
            }
        }
        return fixed == null ? p : fixed;
    }
}
