package org.taskscale.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskscale.config.TaskscaleConfig;
import org.taskscale.prep.PrepJob;

/**
 * {@code taskscale train CONF} in its own JVM, killed with SIGKILL after its first checkpoints, then the same
 * command again: it resumes from the last complete checkpoint and finishes; iterations and metrics.csv continue.
 */
class KillResumeTest {
    @TempDir
    Path dir;

    @Test
    void aKilledTrainingResumesFromItsLastCompleteCheckpoint() throws Exception {
        Path data = dir.resolve("prep");
        try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setAppName("kill-prep").setMaster("local[2]")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"))) {
            PrepJob.run(TaskscaleConfig.load(null, Map.of(
                    "taskscale.prep.inputs", "[\"" + Path.of("../datasets-prep/samples").toAbsolutePath().normalize().toUri() + "\"]",
                    "taskscale.prep.output", "\"" + data.toUri() + "\"",
                    "taskscale.prep.patch-size", "48", "taskscale.prep.patches-per-image", "16",
                    "taskscale.prep.minibatch", "8", "taskscale.prep.valid-fraction", "0")),
                    sc, new PrintWriter(new StringWriter()));
        }
        Path conf = dir.resolve("kill.conf");
        Files.writeString(conf, String.join("\n",
                "taskscale.model { name = aetad-skip, channels = 16, blocks = 1 }",
                "taskscale.train {",
                "  experiment = kill",
                "  runs-root = \"" + dir.resolve("runs").toUri() + "\"",
                "  data = \"" + data.toUri() + "\"",
                "  epochs = 4",
                "  learning-rate = 1e-3",
                "  workers = 2",
                "  averaging-frequency = 1",
                "  checkpoint-iterations = 2",
                "}", ""));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions") || a.startsWith("-Djdk.reflect")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-Xmx2g", "-Dspark.master=local[2]", "-Dspark.driver.host=127.0.0.1", "-Dspark.ui.enabled=false",
                "-cp", System.getProperty("java.class.path"), "org.taskscale.cli.Main", "train", conf.toString()));

        // first run: killed (SIGKILL) once two checkpoints are written
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Pattern ckpt = Pattern.compile("train: checkpoint iter-(\\d+)");
        int seen = 0;
        StringBuilder log = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                log.append(line).append('\n');
                if (ckpt.matcher(line).find() && ++seen == 2) {
                    p.destroyForcibly();
                    break;
                }
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, seen, "the first run never wrote two checkpoints:\n" + log);
        assertTrue(p.exitValue() != 0, "killed, not finished");
        long killedAt;
        try (var s = Files.list(dir.resolve("runs/kill/checkpoints"))) {
            killedAt = s.map(f -> f.getFileName().toString()).filter(n -> n.matches("iter-\\d+\\.json"))
                    .mapToLong(n -> Long.parseLong(n.substring(5, 15))).max().orElseThrow();
        }
        String metricsBefore = Files.readString(dir.resolve("runs/kill/metrics.csv"));

        // the same command again: resumes and completes the budget
        Process again = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out2 = new String(again.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(again.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, again.exitValue(), out2);
        Matcher m = Pattern.compile("resuming .* \\(epoch \\d+, iteration (\\d+)\\)").matcher(out2);
        assertTrue(m.find(), out2);
        assertEquals(killedAt, Long.parseLong(m.group(1)), "resumed from the last complete checkpoint");
        String metrics = Files.readString(dir.resolve("runs/kill/metrics.csv"));
        assertTrue(metrics.startsWith(metricsBefore.strip()), "metrics.csv continues:\n" + metrics);
        long last = metrics.lines().skip(1).filter(l -> !l.isBlank()).mapToLong(l -> Long.parseLong(l.split(",")[0]))
                .max().orElseThrow();
        assertTrue(last > killedAt, "training went on after the resume: " + last + " vs " + killedAt);
        assertTrue(out2.contains("train: done at epoch 4"), out2);
    }
}
