package org.taskscale.fs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Files that readers never see half-written, on any Hadoop filesystem: the content goes to a temporary sibling
 * ({@code _tmp.NAME.UUID}, hidden from listings), which is then renamed into place. Two kinds:
 * {@link #replace} renames over an earlier copy (a run's {@code model.zip} and metrics, evaluation results,
 * inference outputs); {@link #writeOnce} keeps the first copy (the prep job's files, which a retried task may
 * write again with the same bytes).
 */
public final class AtomicWrites {
    private AtomicWrites() {}

    /** Writes a file's content to a stream. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * The filesystem of {@code p}; for the local one the raw filesystem, without .crc side files (our files are
     * written once, renamed into place and read whole).
     */
    public static FileSystem fileSystem(Path p, Configuration conf) throws IOException {
        FileSystem fs = p.getFileSystem(conf);
        return fs instanceof LocalFileSystem local ? local.getRaw() : fs;
    }

    /** Writes {@code data} through a temporary sibling, then renames it over {@code file}. */
    public static void replace(FileSystem fs, Path file, byte[] data) throws IOException {
        replace(fs, file, out -> out.write(data));
    }

    /** Writes what {@code body} writes through a temporary sibling, then renames it over {@code file}. */
    public static void replace(FileSystem fs, Path file, Body body) throws IOException {
        Path tmp = writeTemporary(fs, file, body);
        try {
            if (fs.exists(file)) {
                fs.delete(file, false);
            }
            if (!fs.rename(tmp, file)) {
                throw new IOException("Could not rename " + tmp + " to " + file + ".");
            }
        } catch (IOException | RuntimeException e) {
            fs.delete(tmp, false);  // no leftover beside the file
            throw e;
        }
    }

    /**
     * Writes {@code data} to {@code file} through a temporary sibling, unless {@code file} already exists: a
     * retried task (speculation, a lost executor) wrote the same bytes before, and the first copy is kept.
     */
    public static void writeOnce(Path file, byte[] data, Configuration conf) throws IOException {
        if ("file".equals(file.toUri().getScheme())) {
            writeOnceLocally(java.nio.file.Paths.get(file.toUri()), data);
            return;
        }
        FileSystem fs = fileSystem(file, conf);
        Path tmp = writeTemporary(fs, file, out -> out.write(data));
        if (fs.exists(file)) {
            fs.delete(tmp, false);
            return;
        }
        if (!fs.rename(tmp, file)) {
            fs.delete(tmp, false);
            if (!fs.exists(file)) {
                throw new IOException("Could not rename " + tmp + " to " + file + ".");
            }
        }
    }

    /**
     * {@link #writeOnce} on the local filesystem through java.nio: Hadoop's local filesystem runs {@code chmod} in
     * a child process for every file it creates (without Hadoop's native library), which cost more than writing
     * the file.
     */
    private static void writeOnceLocally(java.nio.file.Path file, byte[] data) throws IOException {
        java.nio.file.Path tmp = file.resolveSibling(temporaryName(file.getFileName().toString()));
        Files.write(tmp, data);
        if (Files.exists(file)) {
            Files.delete(tmp);  // a retried task wrote the same bytes before: keep the first copy
            return;
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            if (!Files.exists(file)) {
                throw new IOException("Could not rename " + tmp + " to " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** Writes what {@code body} writes to a new temporary sibling of {@code file}; deleted again if that fails. */
    private static Path writeTemporary(FileSystem fs, Path file, Body body) throws IOException {
        Path tmp = temporary(file);
        try (OutputStream out = fs.create(tmp, true)) {
            body.writeTo(out);
        } catch (IOException | RuntimeException e) {
            fs.delete(tmp, false);  // no half-written leftovers beside the file
            throw e;
        }
        return tmp;
    }

    /** A unique temporary sibling of {@code file}. */
    public static Path temporary(Path file) {
        return new Path(file.getParent(), temporaryName(file.getName()));
    }

    private static String temporaryName(String name) {
        return "_tmp." + name + "." + UUID.randomUUID();
    }
}
