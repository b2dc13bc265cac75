package org.taskscale.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskscale.io.MiniHdfs;

/**
 * The fault-injection harness on the local filesystem and on a real HDFS: 20 SIGKILLs at random moments of
 * single-process training (writes slowed so that kills land inside them), a resume after each; no partial file,
 * no repeated metrics row, and the final parameters identical to an uninterrupted run of the same seed.
 */
class FaultDrillTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void prep() throws Exception {
        try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setAppName("faults-prep").setMaster("local[2]")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"))) {
            FaultDrill.prep(sc, Path.of("../datasets-prep/samples").toAbsolutePath().normalize(), dir.resolve("prep"));
        }
    }

    @Test
    void twentyKillsOnTheLocalFilesystem() throws Exception {
        drill(dir.resolve("local-runs").toUri().toString(), new Configuration());
    }

    @Test
    void twentyKillsOnHdfs() throws Exception {
        try (MiniHdfs hdfs = new MiniHdfs(dir.resolve("dfs"))) {
            drill(hdfs.uri() + "/runs", hdfs.conf());
        }
    }

    private static void drill(String runsRoot, Configuration conf) throws Exception {
        StringWriter log = new StringWriter();
        FaultDrill.Report r = FaultDrill.run(FaultDrill.Options.small(dir.resolve("prep").toUri().toString(), runsRoot, 20,
                11, 150, 4), conf, new PrintWriter(log));
        System.out.print(log);
        assertTrue(r.passed(), log.toString());
        assertEquals(20, r.kills());
        assertTrue(r.killsInsideWrites() >= 2, "too few kills landed inside a write to test them:\n" + log);
        assertTrue(r.resumes() >= 5, "too few kills came after a checkpoint:\n" + log);
        assertEquals(0, r.mismatches());
        assertEquals(0.0, r.maxParameterDifference());
    }
}
