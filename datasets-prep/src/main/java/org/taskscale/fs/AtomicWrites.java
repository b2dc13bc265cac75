package org.taskscale.fs;

import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Files that readers never see half-written, on any Hadoop filesystem: the content goes to a temporary sibling
 * ({@code _tmp.NAME.UUID}, hidden from listings), which is then renamed over the file, replacing an earlier copy
 * (a run's {@code model.zip} and metrics, evaluation results, inference outputs). The prep job's batch files,
 * which keep their first copy when a retried task writes them again, use
 * {@code org.taskscale.prep.BatchWriter.writeAtomically}.
 */
public final class AtomicWrites {
    private AtomicWrites() {}

    /** Writes a file's content to a stream. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code data} through a temporary sibling, then renames it over {@code file}. */
    public static void replace(FileSystem fs, Path file, byte[] data) throws IOException {
        replace(fs, file, out -> out.write(data));
    }

    /** Writes what {@code body} writes through a temporary sibling, then renames it over {@code file}. */
    public static void replace(FileSystem fs, Path file, Body body) throws IOException {
        Path tmp = temporary(file);
        try {
            try (OutputStream out = fs.create(tmp, true)) {
                body.writeTo(out);
            }
            if (fs.exists(file)) {
                fs.delete(file, false);
            }
            if (!fs.rename(tmp, file)) {
                throw new IOException("Could not rename " + tmp + " to " + file + ".");
            }
        } catch (IOException | RuntimeException e) {
            fs.delete(tmp, false);  // no half-written leftovers beside the file
            throw e;
        }
    }

    /** A unique temporary sibling of {@code file}. */
    public static Path temporary(Path file) {
        return new Path(file.getParent(), "_tmp." + file.getName() + "." + UUID.randomUUID());
    }
}
