package org.taskscale.io;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskscale.config.ConfigException;

/** An output is never an input, a folder above one, or a folder inside one: compared qualified and normalised. */
class OutputGuardTest {
    @TempDir
    Path dir;

    @Test
    void relationsOfQualifiedPaths() {
        assertEquals("is", OutputGuard.relation(URI.create("hdfs://nn:8020/a/b"), URI.create("hdfs://nn:8020/a/b/")));
        assertEquals("contains", OutputGuard.relation(URI.create("hdfs://nn:8020/a"), URI.create("hdfs://nn:8020/a/b")));
        assertEquals("lies inside", OutputGuard.relation(URI.create("s3a://bucket/a/b/c"), URI.create("s3a://bucket/a")));
        assertNull(OutputGuard.relation(URI.create("hdfs://nn:8020/ab"), URI.create("hdfs://nn:8020/a")), "a prefix of a name");
        assertNull(OutputGuard.relation(URI.create("hdfs://other:8020/a"), URI.create("hdfs://nn:8020/a")));
        assertNull(OutputGuard.relation(URI.create("s3a://bucket/a"), URI.create("hdfs://bucket/a")));
    }

    @Test
    void refusesOverlapsAfterNormalisingRelativeGlobAndLinkedPaths() throws Exception {
        Configuration conf = new Configuration();
        Path photos = Files.createDirectories(dir.resolve("photos/set"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), dir.resolve("photos"));
        List<OutputGuard.Input> in = OutputGuard.inputs("--input", List.of(photos.toUri() + "*.jpg"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> OutputGuard.check("--out", dir.resolve("photos/set/../set/x").toString(), in, conf));
        assertTrue(e.getMessage().startsWith("--out file:" + photos.toRealPath() + "/x lies inside the input file:"
                + photos.toRealPath()), e.getMessage());
        assertTrue(e.getMessage().contains("(--input)"), e.getMessage());
        assertThrows(ConfigException.class, () -> OutputGuard.check("--out", link.toString(), in, conf));
        assertThrows(ConfigException.class, () -> OutputGuard.check("--out", link.resolve("set").toString(), in, conf));
        assertDoesNotThrow(() -> OutputGuard.check("--out", dir.resolve("photos-out").toString(), in, conf));
        assertDoesNotThrow(() -> OutputGuard.check("--out", dir.resolve("photos/other").toString(), in, conf));
    }
}
