package org.taskscale.io;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.StreamCapabilities;

/**
 * Files that readers never see half-written, on any Hadoop filesystem, and that a kill at any moment leaves
 * either old or new, never missing or partial. Two kinds:
 * <ul>
 *   <li>{@link #replace} publishes a new version of a file (a run's {@code model.zip}, metrics and checkpoints,
 *       evaluation results, inference outputs). The content goes to a temporary sibling ({@code _tmp.NAME.UUID},
 *       hidden from listings), is flushed to disk, and is renamed over the old file in one step: POSIX
 *       {@code rename} locally, {@code FileContext.rename(OVERWRITE)} on HDFS. Object stores (S3, GCS, OSS...)
 *       have no rename; there the object is uploaded whole to its final name, which a PUT publishes at once.</li>
 *   <li>{@link #writeOnce} keeps the first copy (the prep job's files, which a retried task may write again with
 *       the same bytes).</li>
 * </ul>
 * Temporaries left by a kill are recognised by {@link #isTemporary} and removed by {@link #removeTemporaries}.
 */
public final class AtomicWrites {
    private AtomicWrites() {}

    /**
     * For the fault-injection harness only: each {@link #replace} writes half its bytes, waits half this long,
     * writes the rest, and waits the other half before it publishes the file, so that kills land inside writes
     * and between a complete temporary and its rename. Unset (0) in normal use.
     */
    public static final String WRITE_DELAY_ENV = "TASKSCALE_FAULTS_WRITE_DELAY_MS";

    private static final long WRITE_DELAY_MS = parseDelay(System.getenv(WRITE_DELAY_ENV));

    /**
     * For the fault-injection harness only: a local folder where each object-store write, while it lasts, keeps a
     * marker file. An object store shows no temporary while an upload is under way, so the harness tells a kill
     * inside a write by a marker left behind.
     */
    public static final String WRITE_MARKERS_ENV = "TASKSCALE_FAULTS_WRITE_MARKERS";

    /** Filesystems without an atomic rename, where a whole-object upload is the atomic publish. */
    private static final Set<String> OBJECT_STORES = Set.of("s3", "s3a", "s3n", "gs", "oss", "cosn", "obs", "wasb",
            "wasbs");

    private static final Pattern TEMPORARY = Pattern.compile(
            "_tmp\\..+\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

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

    /**
     * Publishes what {@code body} writes as {@code file}: through a flushed temporary sibling renamed over the old
     * file (or a whole-object upload on object stores). A failed write leaves the old file and no temporary.
     */
    public static void replace(FileSystem fs, Path file, Body body) throws IOException {
        Path q = fs.makeQualified(file);
        if (isLocal(fs)) {
            replaceLocally(new java.io.File(q.toUri()).toPath(), body);
        } else if (OBJECT_STORES.contains(String.valueOf(q.toUri().getScheme()).toLowerCase(Locale.ROOT))) {
            byte[] bytes = bytes(body);  // nothing is uploaded unless the whole body was written
            java.nio.file.Path marker = marker(q);
            try (OutputStream out = fs.create(q, true)) {
                writeSlowly(out, bytes);
            } finally {
                if (marker != null) {
                    Files.deleteIfExists(marker);
                }
            }
        } else {
            Path tmp = writeTemporary(fs, q, body);
            try {
                pause();
                FileContext.getFileContext(q.toUri(), fs.getConf() == null ? new Configuration() : fs.getConf())
                        .rename(tmp, q, Options.Rename.OVERWRITE);
            } catch (IOException | RuntimeException e) {
                fs.delete(tmp, false);  // no leftover beside the file
                throw e;
            }
        }
    }

    /**
     * {@link #replace} on the local filesystem through java.nio: written to the temporary, forced to disk, renamed
     * over the file by POSIX {@code rename} (atomic: a reader sees the old or the new file), then the directory
     * forced so that the rename itself survives a power loss.
     */
    private static void replaceLocally(java.nio.file.Path file, Body body) throws IOException {
        java.nio.file.Path tmp = file.resolveSibling(temporaryName(file.getFileName().toString()));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                if (WRITE_DELAY_MS > 0) {
                    writeSlowly(out, bytes(body));
                } else {
                    body.writeTo(out);
                }
                out.flush();
                ch.force(true);
            }
            pause();
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("The filesystem of " + file + " cannot rename atomically: " + e.getMessage(), e);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        // a checksum that Hadoop's local filesystem wrote for the old version would fail the new one's reads
        Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
        forceDirectory(file.getParent());
    }

    private static void forceDirectory(java.nio.file.Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some filesystems cannot open a directory for syncing; the rename itself is still atomic
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

    /**
     * Writes what {@code body} writes to a new temporary sibling of {@code file}, synced to the DataNodes' disks
     * ({@code hsync}) before it is closed; deleted again if that fails.
     */
    private static Path writeTemporary(FileSystem fs, Path file, Body body) throws IOException {
        Path tmp = temporary(file);
        try (FSDataOutputStream out = fs.create(tmp, true)) {
            if (WRITE_DELAY_MS > 0) {
                writeSlowly(out, bytes(body));
            } else {
                body.writeTo(out);
            }
            if (out.hasCapability(StreamCapabilities.HSYNC)) {  // object stores have nothing to sync before close
                out.hsync();
            }
        } catch (IOException | RuntimeException e) {
            fs.delete(tmp, false);  // no half-written leftovers beside the file
            throw e;
        }
        return tmp;
    }

    /** Under the fault harness with {@link #WRITE_MARKERS_ENV} set: a marker naming {@code file}; else null. */
    private static java.nio.file.Path marker(Path file) throws IOException {
        String dir = System.getenv(WRITE_MARKERS_ENV);
        if (dir == null || dir.isEmpty() || WRITE_DELAY_MS <= 0) {
            return null;
        }
        return Files.writeString(java.nio.file.Path.of(dir, UUID.randomUUID() + ".writing"), file.toString());
    }

    private static byte[] bytes(Body body) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        body.writeTo(b);
        return b.toByteArray();
    }

    /** Writes {@code data}; under the fault harness's delay, half of it, a pause, then the rest. */
    private static void writeSlowly(OutputStream out, byte[] data) throws IOException {
        if (WRITE_DELAY_MS <= 0) {
            out.write(data);
            return;
        }
        int half = data.length / 2;
        out.write(data, 0, half);
        out.flush();
        pause();
        out.write(data, half, data.length - half);
    }

    /** Half the harness's delay (nothing in normal use). */
    private static void pause() throws java.io.InterruptedIOException {
        if (WRITE_DELAY_MS <= 0) {
            return;
        }
        try {
            Thread.sleep(WRITE_DELAY_MS / 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("Interrupted while writing.");
        }
    }

    /** A unique temporary sibling of {@code file}. */
    public static Path temporary(Path file) {
        return new Path(file.getParent(), temporaryName(file.getName()));
    }

    /** Whether {@code name} is one of our temporaries ({@code _tmp.NAME.UUID}). */
    public static boolean isTemporary(String name) {
        return TEMPORARY.matcher(name).matches();
    }

    /** Deletes the temporaries that a killed writer left directly in {@code dir}; returns how many. */
    public static int removeTemporaries(FileSystem fs, Path dir) throws IOException {
        if (!fs.exists(dir)) {
            return 0;
        }
        int n = 0;
        for (FileStatus st : fs.listStatus(dir, p -> isTemporary(p.getName()))) {
            if (st.isFile() && fs.delete(st.getPath(), false)) {
                n++;
            }
        }
        return n;
    }

    private static boolean isLocal(FileSystem fs) {
        return fs instanceof RawLocalFileSystem || fs instanceof LocalFileSystem;
    }

    private static String temporaryName(String name) {
        return "_tmp." + name + "." + UUID.randomUUID();
    }

    private static long parseDelay(String v) {
        if (v == null || v.isBlank()) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(WRITE_DELAY_ENV + " must be a whole number of milliseconds, not '" + v
                    + "'.");
        }
    }
}
