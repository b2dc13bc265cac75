package org.taskscale.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.taskscale.io.AtomicWrites;
import org.taskscale.train.TrainJob;
import org.taskscale.train.TrainState;

/**
 * The fault-injection harness: {@code taskscale train} in child JVMs, killed with SIGKILL at random moments and
 * run again, until the budget is trained; then the run directory is compared with an uninterrupted run of the
 * same seed. Every write is slowed down (half the bytes, a pause, the rest; {@link AtomicWrites#WRITE_DELAY_ENV})
 * so that many kills land inside one. After each kill it checks that every published file is whole (each
 * completion record's checkpoint and {@code model.zip} load, {@code metrics.csv} parses), and counts the kills
 * that left a temporary behind (landed inside a write). At the end: every resume must have resumed from a
 * checkpoint without skipping a damaged one, the iterations of metrics.csv must strictly increase (training rows
 * and validation rows each), the rows must equal the uninterrupted run's (but for the time-dependent samples/s),
 * and the final parameters (last checkpoint and model.zip) must be identical.
 */
public final class FaultDrill {
    private FaultDrill() {}

    /**
     * The longest a training child may take to finish, or to reach a kill moment: a guard against a hung child, not a
     * budget (two epochs of 20,000 files took more than an hour on a busy 2-core machine).
     */
    static final int CHILD_LIMIT_S = 6 * 3600;

    /**
     * @param data a prep output (rescale task) to train on
     * @param runsRoot where the two run directories go (any Hadoop filesystem)
     * @param kills how many SIGKILLs to deliver
     * @param seed seeds the kill moments
     * @param writeDelayMs the pause inside every write of the training runs
     * @param epochs the training budget of both runs
     * @param iterations a budget in iterations as well (0: none), so that a drill can cross one epoch's end and stop
     * @param checkpointIterations how often both runs checkpoint
     * @param mode where both runs train: this process alone, or Spark parameter averaging (local[2], two workers)
     */
    public record Options(String data, String runsRoot, int kills, long seed, int writeDelayMs, int epochs,
                          long iterations, int checkpointIterations, org.taskscale.train.TrainConfig.Mode mode) {
        /** The drill on the bundled photos' small prep output: single mode, a checkpoint every two iterations. */
        public static Options small(String data, String runsRoot, int kills, long seed, int writeDelayMs, int epochs) {
            return new Options(data, runsRoot, kills, seed, writeDelayMs, epochs, 0, 2,
                    org.taskscale.train.TrainConfig.Mode.SINGLE);
        }
    }

    /** What the drill saw. {@code problems} lists every failed check in words; empty when all passed. */
    public record Report(int kills, int killsInsideWrites, int resumes, int corruptFiles, int mismatches,
                         double maxParameterDifference, List<String> problems) {
        public boolean passed() {
            return problems.isEmpty();
        }
    }

    /**
     * The drill's training data: the bundled photos as x2 rescaling patches (32x32, 8 a photo, minibatches of 4,
     * two photos for validation), 14 batch files an epoch.
     */
    public static void prep(org.apache.spark.api.java.JavaSparkContext sc, java.nio.file.Path samples,
                            java.nio.file.Path out) throws IOException {
        org.taskscale.prep.PrepJob.run(org.taskscale.config.TaskscaleConfig.load(null, Map.of(
                "taskscale.prep.inputs", "[\"" + samples.toUri() + "\"]",
                "taskscale.prep.output", "\"" + out.toUri() + "\"",
                "taskscale.prep.patch-size", "32", "taskscale.prep.patches-per-image", "8",
                "taskscale.prep.minibatch", "4", "taskscale.prep.valid-fraction", "0.25")),
                sc, new PrintWriter(new java.io.StringWriter()));
    }

    /** Runs the drill; progress lines go to {@code out}. */
    public static Report run(Options o, Configuration conf, PrintWriter out) throws IOException, InterruptedException {
        java.nio.file.Path work = Files.createTempDirectory("taskscale-faults");
        java.nio.file.Path markers = Files.createDirectories(work.resolve("writes-under-way"));
        List<String> problems = new ArrayList<>();
        try {
            String ref = o.runsRoot().replaceAll("/+$", "") + "/reference";
            String drill = o.runsRoot().replaceAll("/+$", "") + "/drill";
            java.nio.file.Path refConf = writeConf(work, "reference", o);
            java.nio.file.Path drillConf = writeConf(work, "drill", o);

            out.printf(Locale.ROOT, "faults: uninterrupted reference run %s (%d epochs%s, writes slowed by %d ms)%n", ref,
                    o.epochs(), o.iterations() > 0 ? " or " + o.iterations() + " iterations" : "", o.writeDelayMs());
            out.flush();
            Child r = Child.start(refConf, o.writeDelayMs(), markers);
            int rc = r.finish(CHILD_LIMIT_S);
            if (rc != 0) {
                throw new IOException("The reference training run failed (exit " + rc + "):\n" + r.tail());
            }
            List<Moment> moments = moments(r.lines(), o.kills(), new Random(o.seed()));
            out.printf(Locale.ROOT, "faults: reference done in %.1f s (training from %.1f s); %d kill moments drawn over"
                    + " it%n", r.seconds(), r.lines().stream().filter(l -> isStart(l.text())).findFirst()
                            .map(Line::at).orElse(0.0), moments.size());
            out.flush();

            int kills = 0;
            int inside = 0;
            int resumes = 0;
            int corrupt = 0;
            int starts = 0;
            for (Moment m : moments) {
                Child c = Child.start(drillConf, o.writeDelayMs(), markers);
                starts++;
                double trigger = c.awaitEvent(m.event(), CHILD_LIMIT_S);
                if (Double.isNaN(trigger) || c.ended(Math.max(0, trigger + m.delta() - c.seconds()))) {
                    if (!c.ended(0)) {
                        c.kill();
                        problems.add("attempt " + starts + " never reached " + m.describe() + " in " + CHILD_LIMIT_S + " s:\n" + c.tail());
                    } else {
                        problems.add("attempt " + starts + " ended (exit " + c.exitCode() + ") before its kill at "
                                + m.describe() + ":\n" + c.tail());
                    }
                    break;
                }
                c.kill();
                kills++;
                resumes += c.resumed() ? 1 : 0;
                checkResume(c, starts, problems);
                Inspection in = inspect(drill, conf);
                int uploads = clear(markers);  // object-store writes cut short (they leave no temporary)
                inside += in.temporaries() > 0 || uploads > 0 ? 1 : 0;
                corrupt += in.problems().size();
                int killed = kills;
                in.problems().forEach(p -> problems.add("after kill " + killed + ": " + p));
                out.printf(Locale.ROOT, "faults: kill %d/%d (%.2f s into the reference run: %s): %s; %d complete"
                                + " checkpoint(s), newest iteration %d%s%n", kills, moments.size(), m.at(), m.describe(),
                        in.temporaries() > 0 ? "inside a write (" + in.temporaries() + " temporary)"
                                : uploads > 0 ? "inside a write (an upload cut short)" : "between writes",
                        in.checkpoints(), in.newest(),
                        in.problems().isEmpty() ? "" : "; " + in.problems().size() + " damaged file(s)");
                out.flush();
            }
            Child last = Child.start(drillConf, o.writeDelayMs(), markers);
            starts++;
            int lastCode = last.finish(CHILD_LIMIT_S);
            resumes += last.resumed() ? 1 : 0;
            checkResume(last, starts, problems);
            if (lastCode != 0) {
                problems.add("the final run exited with " + lastCode + ":\n" + last.tail());
            }
            Inspection fin = inspect(drill, conf);
            corrupt += fin.problems().size();
            fin.problems().forEach(p -> problems.add("at the end: " + p));
            if (fin.temporaries() > 0) {
                problems.add("at the end " + fin.temporaries() + " temporary file(s) remain in " + drill);
            }
            problems.addAll(metricsProblems(drill, ref, conf));
            Comparison cmp = compare(ref, drill, conf);
            problems.addAll(cmp.problems());
            Report rep = new Report(kills, inside, resumes, corrupt, cmp.mismatches(), cmp.maxDifference(), problems);
            out.printf(Locale.ROOT, "faults: %d kills (%d inside a write), %d resumes, %d damaged files, %d parameter"
                            + " mismatches (max difference %.3g) against the uninterrupted run: %s%n", rep.kills(),
                    rep.killsInsideWrites(), rep.resumes(), rep.corruptFiles(), rep.mismatches(),
                    rep.maxParameterDifference(), rep.passed() ? "passed" : "FAILED");
            for (String p : problems) {
                out.println("faults: problem: " + p);
            }
            out.flush();
            return rep;
        } finally {
            for (String f : List.of("reference.conf", "drill.conf")) {
                Files.deleteIfExists(work.resolve(f));
            }
            clear(markers);
            Files.deleteIfExists(markers);
            Files.deleteIfExists(work);
        }
    }

    private static void checkResume(Child c, int attempt, List<String> problems) {
        String log = c.log();
        if (log.contains("cannot be loaded")) {
            problems.add("attempt " + attempt + " found a damaged checkpoint: " + grep(log, "cannot be loaded"));
        }
        if (log.contains("Exception") && !c.killed()) {
            problems.add("attempt " + attempt + " failed:\n" + c.tail());
        }
    }

    private static String grep(String log, String what) {
        return log.lines().filter(l -> l.contains(what)).findFirst().orElse("");
    }

    /** The state of a run directory after a kill. */
    record Inspection(int temporaries, int checkpoints, long newest, List<String> problems) {}

    /** Reads every published file of the run directory; damaged ones are described in {@code problems}. */
    /** Deletes the write markers a killed run left; returns how many there were. */
    private static int clear(java.nio.file.Path markers) throws IOException {
        int n = 0;
        try (var files = Files.list(markers)) {
            for (java.nio.file.Path f : files.toList()) {
                Files.deleteIfExists(f);
                n++;
            }
        }
        return n;
    }

    static Inspection inspect(String runDir, Configuration conf) throws IOException {
        Path root = new Path(runDir);
        FileSystem fs = AtomicWrites.fileSystem(root, conf);
        List<String> problems = new ArrayList<>();
        if (!fs.exists(root)) {
            return new Inspection(0, 0, -1, problems);
        }
        int temporaries = 0;
        Path ck = new Path(root, "checkpoints");
        List<FileStatus> all = new ArrayList<>(Arrays.asList(fs.listStatus(root)));
        if (fs.exists(ck)) {
            all.addAll(Arrays.asList(fs.listStatus(ck)));
        }
        int complete = 0;
        long newest = -1;
        for (FileStatus st : all) {
            String name = st.getPath().getName();
            if (AtomicWrites.isTemporary(name)) {
                temporaries++;
            } else if (name.matches("iter-\\d+\\.json")) {
                complete++;
                try {
                    TrainState s = TrainState.parse(read(fs, st.getPath()));
                    newest = Math.max(newest, s.iteration());
                    loadModel(fs, new Path(ck, name.replace(".json", ".zip")));
                } catch (IOException | RuntimeException e) {
                    problems.add("checkpoint " + st.getPath() + " is damaged: " + e.getMessage());
                }
            } else if (name.equals("model.zip")) {
                try {
                    loadModel(fs, st.getPath());
                } catch (IOException | RuntimeException e) {
                    problems.add(st.getPath() + " is damaged: " + e.getMessage());
                }
            } else if (name.equals("metrics.csv")) {
                String text = read(fs, st.getPath());
                if (!text.startsWith(TrainJob.METRICS_HEADER + "\n") || !text.endsWith("\n")) {
                    problems.add(st.getPath() + " is partial: " + text.length() + " characters");
                } else {
                    int columns = TrainJob.METRICS_HEADER.split(",").length;
                    text.lines().skip(1).filter(l -> l.split(",", -1).length != columns).findFirst()
                            .ifPresent(l -> problems.add(st.getPath() + " has a partial row: " + l));
                }
            }
        }
        return new Inspection(temporaries, complete, newest, problems);
    }

    private static ComputationGraph loadModel(FileSystem fs, Path zip) throws IOException {
        byte[] bytes;
        try (InputStream in = fs.open(zip)) {
            bytes = in.readAllBytes();
        }
        return ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes), true);
    }

    private static String read(FileSystem fs, Path p) throws IOException {
        try (InputStream in = fs.open(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Training rows and validation rows each with strictly increasing iterations, and the same rows as the
     * uninterrupted run but for samples/s (column 6), which measures time.
     */
    static List<String> metricsProblems(String drill, String ref, Configuration conf) throws IOException {
        List<String> problems = new ArrayList<>();
        Path dp = new Path(drill, "metrics.csv");
        FileSystem fs = AtomicWrites.fileSystem(dp, conf);
        List<String> rows = read(fs, dp).lines().skip(1).toList();
        List<String> refRows = read(fs, new Path(ref, "metrics.csv")).lines().skip(1).toList();
        long lastTrain = -1;
        long lastValid = -1;
        for (String r : rows) {
            String[] f = r.split(",", -1);
            long it = Long.parseLong(f[0]);
            boolean training = !f[2].isEmpty();
            if (training ? it <= lastTrain : it <= lastValid) {
                problems.add("metrics.csv repeats or goes back to iteration " + it + " (" + (training ? "training" : "validation")
                        + " row)");
            }
            if (training) {
                lastTrain = it;
            } else {
                lastValid = it;
            }
        }
        List<String> a = rows.stream().map(FaultDrill::withoutRate).toList();
        List<String> b = refRows.stream().map(FaultDrill::withoutRate).toList();
        if (!a.equals(b)) {
            int i = 0;
            while (i < Math.min(a.size(), b.size()) && a.get(i).equals(b.get(i))) {
                i++;
            }
            problems.add("metrics.csv differs from the uninterrupted run's (" + a.size() + " vs " + b.size() + " rows) at row "
                    + (i + 1) + ": " + (i < a.size() ? a.get(i) : "(none)") + " vs " + (i < b.size() ? b.get(i) : "(none)"));
        }
        return problems;
    }

    private static String withoutRate(String row) {
        String[] f = row.split(",", -1);
        f[5] = "";
        return String.join(",", f);
    }

    record Comparison(int mismatches, double maxDifference, List<String> problems) {}

    /** The final checkpoint and model.zip of both runs, parameter by parameter. */
    static Comparison compare(String ref, String drill, Configuration conf) throws IOException {
        List<String> problems = new ArrayList<>();
        int mismatches = 0;
        double max = 0;
        FileSystem fs = AtomicWrites.fileSystem(new Path(ref), conf);
        for (String file : List.of("model.zip", "checkpoints/" + newestCheckpoint(fs, new Path(ref, "checkpoints")))) {
            Path rp = new Path(ref, file);
            Path dp = new Path(drill, file);
            if (!fs.exists(dp)) {
                problems.add("the drilled run has no " + file + " (the reference has)");
                mismatches++;
                continue;
            }
            Map<String, org.nd4j.linalg.api.ndarray.INDArray> a = loadModel(fs, rp).paramTable();
            Map<String, org.nd4j.linalg.api.ndarray.INDArray> b = loadModel(fs, dp).paramTable();
            for (var e : new LinkedHashMap<>(a).entrySet()) {
                float[] x = e.getValue().dup().data().asFloat();
                float[] y = b.get(e.getKey()).dup().data().asFloat();
                double d = 0;
                for (int i = 0; i < x.length; i++) {
                    d = Math.max(d, Math.abs(x[i] - y[i]));
                }
                max = Math.max(max, d);
                if (!Arrays.equals(x, y)) {
                    mismatches++;
                    problems.add(file + ": parameter " + e.getKey() + " differs from the uninterrupted run by up to " + d);
                }
            }
        }
        return new Comparison(mismatches, max, problems);
    }

    private static String newestCheckpoint(FileSystem fs, Path dir) throws IOException {
        return Arrays.stream(fs.listStatus(dir, p -> p.getName().matches("iter-\\d+\\.zip")))
                .map(s -> s.getPath().getName()).max(String::compareTo)
                .orElseThrow(() -> new IOException("The reference run " + dir + " has no checkpoint."));
    }

    private static java.nio.file.Path writeConf(java.nio.file.Path work, String experiment, Options o) throws IOException {
        java.nio.file.Path f = work.resolve(experiment + ".conf");
        Files.writeString(f, String.join("\n",
                "taskscale.model { name = aetad-skip, channels = 8, blocks = 1 }",
                "taskscale.train {",
                "  experiment = " + experiment,
                "  runs-root = \"" + o.runsRoot() + "\"",
                "  data = \"" + o.data() + "\"",
                "  mode = " + o.mode().name().toLowerCase(Locale.ROOT),
                "  workers = 2",
                "  epochs = " + o.epochs(),
                "  iterations = " + o.iterations(),
                "  learning-rate = 1e-3",
                "  checkpoint-iterations = " + o.checkpointIterations(),
                "  checkpoint-minutes = 0",
                "  keep = 2",
                "  seed = 7",
                "}", ""));
        return f;
    }

    /** One output line of a child and when it came (seconds since the child started). */
    record Line(double at, String text) {}

    /**
     * A kill moment of the reference run, replayed on a resumed run: {@code delta} seconds after the event that
     * preceded it there. Events: -1, the JVM's start; 0, the line that starts training (new run or resume); N > 0,
     * the progress line of iteration N. So each kill lands at the same point of the run however much start-up and
     * re-training the resumed attempt needed.
     */
    record Moment(double at, long event, double delta) {
        String describe() {
            return String.format(Locale.ROOT, "%.2f s after %s", delta, event < 0 ? "the JVM started"
                    : event == 0 ? "training started" : "iteration " + event);
        }
    }

    private static final Pattern ITERATION = Pattern.compile("^train: epoch \\d+, iteration (\\d+),");
    private static final Pattern RESUMED_AT = Pattern.compile("^train: resuming .*, iteration (\\d+)\\)");

    private static boolean isStart(String line) {
        return line.startsWith("train: new run") || line.startsWith("train: resuming");
    }

    /**
     * {@code n} moments drawn uniformly over the reference run up to its last progress line, in order. The last
     * epoch's validation and checkpoint come after it, so even a resumed attempt that runs faster than the
     * reference is still running at the last moment (earlier epochs' validations and checkpoints are in range).
     */
    static List<Moment> moments(List<Line> ref, int n, Random rng) {
        double end = ref.stream().filter(l -> ITERATION.matcher(l.text()).find()).mapToDouble(Line::at).max()
                .orElseThrow(() -> new IllegalStateException("The reference run printed no progress line."));
        double[] at = new double[n];
        for (int i = 0; i < n; i++) {
            at[i] = rng.nextDouble() * end;
        }
        Arrays.sort(at);
        List<Moment> out = new ArrayList<>();
        for (double t : at) {
            long event = -1;
            double from = 0;
            for (Line l : ref) {
                if (l.at() > t) {
                    break;
                }
                Matcher m = ITERATION.matcher(l.text());
                if (m.find()) {
                    event = Long.parseLong(m.group(1));
                    from = l.at();
                } else if (isStart(l.text())) {
                    event = 0;
                    from = l.at();
                }
            }
            out.add(new Moment(t, event, t - from));
        }
        return out;
    }

    /** One {@code taskscale train} JVM, its output lines collected with their times by a thread. */
    static final class Child {
        private final Process process;
        private final List<Line> lines = new ArrayList<>();
        private final Thread reader;
        private final long started = System.nanoTime();
        private boolean killed;

        private Child(Process p) {
            this.process = p;
            this.reader = new Thread(() -> {
                try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (lines) {
                            lines.add(new Line(seconds(), line));
                            lines.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // the process was killed: its pipe closed
                }
            }, "faults-child-output");
            reader.setDaemon(true);
            reader.start();
        }

        static Child start(java.nio.file.Path conf, int writeDelayMs, java.nio.file.Path markers) throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (a.startsWith("--add-opens") || a.startsWith("--add-exports") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
                        || a.startsWith("-Djdk.reflect") || a.startsWith("-Dtaskscale.home") || a.startsWith("-Dlog4j")) {
                    cmd.add(a);
                }
            }
            cmd.addAll(List.of("-Xmx1g", "-Dspark.master=local[2]", "-Dspark.ui.enabled=false", "-cp", System.getProperty("java.class.path"), "org.taskscale.cli.Main", "train",
                    conf.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put(AtomicWrites.WRITE_DELAY_ENV, Integer.toString(writeDelayMs));
            pb.environment().put(AtomicWrites.WRITE_MARKERS_ENV, markers.toString());
            return new Child(pb.start());
        }

        double seconds() {
            return (System.nanoTime() - started) / 1e9;
        }

        /**
         * Waits until this run reaches {@code event} (see {@link Moment}): returns when (seconds since start), or NaN
         * when the process ended first or {@code timeout} seconds passed. A resume past the event counts as reaching it.
         */
        double awaitEvent(long event, double timeout) throws InterruptedException {
            if (event < 0) {
                return 0;
            }
            int seen = 0;
            synchronized (lines) {
                while (seconds() < timeout) {
                    for (; seen < lines.size(); seen++) {
                        Line l = lines.get(seen);
                        Matcher it = ITERATION.matcher(l.text());
                        Matcher res = RESUMED_AT.matcher(l.text());
                        if ((event == 0 && isStart(l.text())) || (it.find() && Long.parseLong(it.group(1)) >= event)
                                || (res.find() && Long.parseLong(res.group(1)) >= event)) {
                            return l.at();
                        }
                    }
                    if (!process.isAlive() && !reader.isAlive()) {
                        return Double.NaN;
                    }
                    lines.wait(20);
                }
            }
            return Double.NaN;
        }

        /** Waits up to {@code seconds}; true when the process ended by then. */
        boolean ended(double seconds) throws InterruptedException {
            return process.waitFor((long) (seconds * 1e6), TimeUnit.MICROSECONDS);
        }

        /** Waits up to {@code seconds} for the process to end; its exit code (or -1 after killing it at the limit). */
        int finish(int seconds) throws InterruptedException {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                kill();
                return -1;
            }
            reader.join(5000);
            return process.exitValue();
        }

        int exitCode() throws InterruptedException {
            reader.join(5000);
            return process.exitValue();
        }

        /** SIGKILL (what {@link Process#destroyForcibly} sends on Linux), then waits for the process to be gone. */
        void kill() throws InterruptedException {
            killed = true;
            process.destroyForcibly();
            process.waitFor(60, TimeUnit.SECONDS);
            reader.join(5000);
        }

        boolean killed() {
            return killed;
        }

        boolean resumed() {
            return log().lines().anyMatch(l -> l.startsWith("train: resuming"));
        }

        List<Line> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        String log() {
            StringBuilder sb = new StringBuilder();
            for (Line l : lines()) {
                sb.append(l.text()).append('\n');
            }
            return sb.toString();
        }

        String tail() {
            String l = log();
            return l.substring(Math.max(0, l.length() - 3000));
        }
    }
}
