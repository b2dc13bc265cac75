package org.taskscale.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


/**
 * Replacing a file through a temporary sibling renamed over it: new content in place, the old one kept when
 * writing fails, and at no moment a missing or partial file for a reader (local filesystem and a real HDFS).
 */
class AtomicWritesTest {
    @TempDir
    java.nio.file.Path dir;

    @Test
    void replacesTheFileAndKeepsTheOldContentWhenTheWriteFails() throws IOException {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        Path file = new Path(dir.resolve("metrics.csv").toUri());
        Files.writeString(dir.resolve(".metrics.csv.crc"), "a checksum of an older version");
        AtomicWrites.replace(fs, file, "first\n".getBytes(StandardCharsets.UTF_8));
        AtomicWrites.replace(fs, file, "second\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("second\n", Files.readString(dir.resolve("metrics.csv")));
        IOException e = assertThrows(IOException.class, () -> AtomicWrites.replace(fs, file, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("second\n", Files.readString(dir.resolve("metrics.csv")));
        // nothing but the file is left: no temporary, and no stale checksum of an old version
        try (var s = Files.list(dir)) {
            assertEquals(List.of("metrics.csv"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        // and Hadoop's checksummed local filesystem reads it
        try (InputStream in = fs.open(file)) {
            assertEquals("second\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aReaderNeverSeesTheFileMissingOrPartialLocally() throws Exception {
        FileSystem fs = AtomicWrites.fileSystem(new Path(dir.toUri()), new Configuration());
        Path file = new Path(dir.resolve("model.zip").toUri());
        List<String> seen = readWhileReplacing(fs, file, 300);
        assertEquals(List.of(), seen, "states a reader saw besides a whole version");
    }

    @Test
    void replacesOnHdfsByRenameOverAndRemovesTemporaries() throws Exception {
        try (MiniHdfs hdfs = new MiniHdfs(dir.resolve("dfs"))) {
            FileSystem fs = hdfs.fs();
            Path file = new Path(hdfs.uri() + "/runs/x/metrics.csv");
            fs.mkdirs(file.getParent());
            assertEquals(List.of(), readWhileReplacing(fs, file, 40), "states a reader saw besides a whole version");
            assertThrows(IOException.class, () -> AtomicWrites.replace(fs, file, out -> {
                out.write(1);
                throw new IOException("lost the DataNode");
            }));
            assertTrue(new String(fs.open(file).readAllBytes(), StandardCharsets.UTF_8).startsWith("version 39 "));
            // a temporary left by a kill (written, never renamed) is recognised and removed; our file is not
            Path left = AtomicWrites.temporary(file);
            fs.create(left).close();
            assertTrue(AtomicWrites.isTemporary(left.getName()));
            assertFalse(AtomicWrites.isTemporary("_tmp.notes.txt"), "only our own names");
            assertEquals(1, AtomicWrites.removeTemporaries(fs, file.getParent()));
            assertEquals(1, fs.listStatus(file.getParent()).length);
        }
    }

    /**
     * Replaces {@code file} {@code versions} times with 64 KiB versions while another thread reads it in a loop;
     * returns what the reader saw that was not one whole version (a missing file, a short or mixed read).
     */
    private static List<String> readWhileReplacing(FileSystem fs, Path file, int versions) throws Exception {
        AtomicWrites.replace(fs, file, version(0));
        AtomicBoolean done = new AtomicBoolean();
        List<String> bad = new ArrayList<>();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                try (InputStream in = fs.open(file)) {
                    byte[] b = in.readAllBytes();
                    String s = new String(b, StandardCharsets.UTF_8);
                    String head = s.substring(0, Math.min(20, s.length())).split(" x")[0];
                    if (b.length != 65536 || !s.equals(new String(version(Integer.parseInt(head.split(" ")[1])),
                            StandardCharsets.UTF_8))) {
                        bad.add("partial: " + b.length + " bytes");
                    }
                } catch (java.io.FileNotFoundException e) {
                    bad.add("missing");
                } catch (IOException | RuntimeException e) {
                    bad.add(e.toString());
                }
            }
        });
        reader.start();
        for (int v = 1; v < versions; v++) {
            AtomicWrites.replace(fs, file, version(v));
        }
        done.set(true);
        reader.join();
        return bad.stream().distinct().toList();
    }

    private static byte[] version(int v) {
        byte[] b = new byte[65536];
        java.util.Arrays.fill(b, (byte) ('a' + v % 26));
        byte[] head = ("version " + v + " x").getBytes(StandardCharsets.UTF_8);
        System.arraycopy(head, 0, b, 0, head.length);
        return b;
    }
}
