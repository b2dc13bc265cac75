package org.taskscale.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskscale.config.ConfigException;
import org.taskscale.config.TaskscaleConfig;
import org.taskscale.prep.PrepJob;

/**
 * Prep on the bundled photos, then aetad-skip x2 trained by parameter averaging on local[2] with two workers,
 * checkpoints on HDFS, resumed, a truncated checkpoint skipped, and the validation PSNR above bicubic.
 */
class TrainJobTest {
    @TempDir
    Path dir;

    static Config config(Map<String, String> o) {
        return TaskscaleConfig.load(null, o);
    }

    @Test
    void trainsWithAveragingCheckpointsOnHdfsResumesAndBeatsBicubic() throws Exception {
        org.apache.hadoop.conf.Configuration hconf = new org.apache.hadoop.conf.Configuration();
        hconf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("dfs").toString());
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(hconf).numDataNodes(1).build();
        try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setAppName("train-test").setMaster("local[2]")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"))) {
            cluster.waitActive();
            FileSystem fs = cluster.getFileSystem();
            String hdfs = "hdfs://localhost:" + cluster.getNameNodePort();
            Path data = dir.resolve("prep");
            PrepJob.run(config(Map.of(
                    "taskscale.prep.inputs", "[\"" + Path.of("../datasets-prep/samples").toAbsolutePath().normalize().toUri() + "\"]",
                    "taskscale.prep.output", "\"" + data.toUri() + "\"",
                    "taskscale.prep.patch-size", "48", "taskscale.prep.patches-per-image", "32",
                    "taskscale.prep.minibatch", "8")), sc, new PrintWriter(new StringWriter()));
            Map<String, String> o = new HashMap<>();
            o.put("taskscale.train.data", "\"" + data.toUri() + "\"");
            o.put("taskscale.train.runs-root", "\"" + hdfs + "/runs\"");
            o.put("taskscale.train.experiment", "skip-x2");
            o.put("taskscale.train.learning-rate", "1e-3");
            o.put("taskscale.train.workers", "2");
            o.put("taskscale.train.averaging-frequency", "2");
            o.put("taskscale.train.checkpoint-iterations", "8");
            o.put("taskscale.train.epochs", "3");
            o.put("taskscale.model.name", "aetad-skip");
            o.put("taskscale.model.channels", "16");
            o.put("taskscale.model.blocks", "1");
            StringWriter log = new StringWriter();
            TrainState first = TrainJob.run(config(o), sc, false, new PrintWriter(log));
            int perEpoch = first.epoch() == 3 ? (int) (first.iteration() / 3) : -1;
            assertEquals(3, first.epoch());
            assertTrue(perEpoch > 0);
            org.apache.hadoop.fs.Path run = new org.apache.hadoop.fs.Path(hdfs + "/runs/skip-x2");
            assertTrue(fs.exists(new org.apache.hadoop.fs.Path(run, "model.zip")));
            assertTrue(fs.exists(new org.apache.hadoop.fs.Path(run, "checkpoints/" + String.format("iter-%010d.zip",
                    first.iteration()))), log.toString());

            // resume for three more epochs: the iteration count and metrics.csv continue
            o.put("taskscale.train.epochs", "6");
            StringWriter log2 = new StringWriter();
            TrainState second = TrainJob.run(config(o), sc, false, new PrintWriter(log2));
            assertTrue(log2.toString().contains("resuming"), log2.toString());
            assertEquals(6, second.epoch());
            assertEquals(6L * perEpoch, second.iteration());
            String metrics = read(fs, new org.apache.hadoop.fs.Path(run, "metrics.csv"));
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith(perEpoch + ",1,")), metrics);
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith(6 * perEpoch + ",6,")), metrics);
            Validation.Result last = second.validations().get(second.validations().size() - 1);
            assertTrue(last.psnrY() > last.baselinePsnrY(), "validation PSNR-Y " + last.psnrY() + " vs bicubic "
                    + last.baselinePsnrY() + "\n" + log2);
            assertEquals(6, second.validations().size());

            // a truncated newest checkpoint is reported and skipped; training resumes from the one before
            org.apache.hadoop.fs.Path newest = new org.apache.hadoop.fs.Path(run, "checkpoints/"
                    + String.format("iter-%010d.zip", second.iteration()));
            byte[] zip;
            try (InputStream in = fs.open(newest)) {
                zip = in.readAllBytes();
            }
            try (OutputStream out = fs.create(newest, true)) {
                out.write(zip, 0, zip.length / 2);
            }
            o.put("taskscale.train.epochs", "7");
            StringWriter log3 = new StringWriter();
            TrainState third = TrainJob.run(config(o), sc, false, new PrintWriter(log3));
            assertTrue(log3.toString().contains("cannot be loaded") && log3.toString().contains("skipped"), log3.toString());
            assertEquals(7L * perEpoch, third.iteration());

            // --fresh refuses a run directory with checkpoints; a model that does not fit the data is refused
            assertThrows(ConfigException.class, () -> TrainJob.run(config(o), sc, true, new PrintWriter(new StringWriter())));
            Map<String, String> wrong = new HashMap<>(o);
            wrong.put("taskscale.model.name", "srcnn");
            wrong.put("taskscale.train.experiment", "wrong");
            ConfigException e = assertThrows(ConfigException.class,
                    () -> TrainJob.run(config(wrong), sc, false, new PrintWriter(new StringWriter())));
            assertTrue(e.getMessage().contains("RESCALING") && e.getMessage().contains("srcnn"), e.getMessage());
        } finally {
            cluster.shutdown();
        }
    }

    private static String read(FileSystem fs, org.apache.hadoop.fs.Path p) throws Exception {
        try (InputStream in = fs.open(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
