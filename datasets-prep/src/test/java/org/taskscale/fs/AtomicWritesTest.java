package org.taskscale.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replacing a file through a temporary sibling: new content in place, the old one kept when writing fails. */
class AtomicWritesTest {
    @TempDir
    java.nio.file.Path dir;

    @Test
    void replacesTheFileAndKeepsTheOldContentWhenTheWriteFails() throws IOException {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        Path file = new Path(dir.resolve("metrics.csv").toUri());
        AtomicWrites.replace(fs, file, "first\n".getBytes(StandardCharsets.UTF_8));
        AtomicWrites.replace(fs, file, "second\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("second\n", Files.readString(dir.resolve("metrics.csv")));
        IOException e = assertThrows(IOException.class, () -> AtomicWrites.replace(fs, file, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("second\n", Files.readString(dir.resolve("metrics.csv")));
        // nothing but the file (and Hadoop's checksum of it) is left
        try (var s = Files.list(dir)) {
            List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of(".metrics.csv.crc", "metrics.csv"), names);
        }
    }
}
