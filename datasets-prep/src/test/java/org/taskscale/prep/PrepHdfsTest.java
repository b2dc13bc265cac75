package org.taskscale.prep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskscale.io.Manifest;
import org.taskscale.io.MiniHdfs;

/** Input and output on a real HDFS (MiniDFSCluster: a NameNode and a DataNode in this JVM). */
class PrepHdfsTest {
    @TempDir
    Path dir;

    @Test
    void readsPhotosFromAndWritesBatchesToHdfs() throws Exception {
        try (MiniHdfs hdfs = new MiniHdfs(dir.resolve("dfs"))) {
            FileSystem fs = hdfs.fs();
            String base = hdfs.uri();
            Path local = dir.resolve("in");
            Map<String, String> bad = Corpus.write(local);
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(local.toUri()), new org.apache.hadoop.fs.Path(base + "/photos"));
            var config = PrepJobTest.config(Path.of("/unused"), Path.of("/unused"), Map.of(
                    "taskscale.prep.inputs", "[\"" + base + "/photos\"]",
                    "taskscale.prep.output", "\"" + base + "/prep/sr\"",
                    "taskscale.prep.task", "sr"));
            Manifest m;
            try (JavaSparkContext jsc = PrepJobTest.spark("local[2]")) {
                m = PrepJob.run(config, jsc, new PrintWriter(new StringWriter()));
            }
            assertEquals(bad.size(), m.contents().counts().get("rejected"));
            assertEquals(m.contents().counts().get("inputs"), m.contents().counts().get("accepted") + m.contents().counts().get("rejected"));
            org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(base + "/prep/sr");
            assertTrue(fs.exists(new org.apache.hadoop.fs.Path(out, "manifest.json")));
            long files = fs.listStatus(new org.apache.hadoop.fs.Path(out, "train"), p -> p.getName().startsWith("batch-")).length
                    + fs.listStatus(new org.apache.hadoop.fs.Path(out, "valid"), p -> p.getName().startsWith("batch-")).length;
            assertEquals(m.contents().counts().get("train-files") + m.contents().counts().get("valid-files"), files);
            assertEquals(0, fs.listStatus(new org.apache.hadoop.fs.Path(out, "train"), p -> p.getName().startsWith("_tmp")).length);
            String rejects = new String(fs.open(new org.apache.hadoop.fs.Path(out, "rejects.csv")).readAllBytes(),
                    StandardCharsets.UTF_8);
            assertTrue(rejects.contains(base + "/photos/bomb.png,too_many_pixels"), rejects);
            // sr: the LR input is half the patch
            assertEquals(java.util.List.of(3L, 8L, 8L), m.shapes().inputShape());
            assertEquals(java.util.List.of(java.util.List.of(3L, 16L, 16L)), m.shapes().labelShapes());
        }
    }
}
