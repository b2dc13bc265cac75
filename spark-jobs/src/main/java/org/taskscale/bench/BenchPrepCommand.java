package org.taskscale.bench;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.taskscale.config.TaskscaleConfig;
import org.taskscale.config.UserException;
import org.taskscale.io.Manifest;
import org.taskscale.prep.PrepJob;
import org.taskscale.spark.SparkContexts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code taskscale bench prep}: the prep job's patches/s on the seed restorer's task (128x128 patches, JPEG q10)
 * on {@code local[1]} and {@code local[2]}, wall clock including Spark's start-up, beside two Python programs on the
 * same photos and the same CPU, one process each ({@code peers/} beside this class): the peer, prep's own work
 * written well with PIL on libjpeg-turbo ({@code pil_prep_peer.py}: each photo decoded once, the same rescale,
 * rotations, flips, crops, JPEG round trips and bytes per patch), and the limit, the codec time alone of that work
 * ({@code pil_prep_peer.py --limit}). The peer and the limit run after each timed local[1] run, so that a slow spell
 * of a shared machine touches all three. The seed's pipeline ({@code pil_prep_bench.py}, a decode per patch) is
 * measured once at the end, for comparison with older figures. By default the whole JVM is confined
 * to one CPU for the local[1] runs and to two for the local[2] runs ({@code taskset}): an unconfined local[1] run
 * has one executor thread but lends the JIT compiler, the collector and Spark's own threads the second core.
 */
@Command(name = "prep",
        description = "Prep throughput (jpeg task, 128x128, q10) on local[1] and local[2] against the same work in"
                + " Python (PIL, each photo decoded once) and against libjpeg-turbo's codec time alone for that work,"
                + " one core each; prints patches/s, prep ours/peer=R and prep ours/limit=R per core (above 1: ours is"
                + " faster) and the 1 -> 2 core scaling. Each timed run starts its own Spark context (counted);"
                + " --warm-up untimed full-size runs come first, then --repeat pairs of local[1] and local[2] runs,"
                + " alternating, each local[1] run followed by the peer and the limit; the figures are medians."
                + " local[1] runs on one CPU and local[2] on two (the whole process, with taskset) unless --no-pin.")
final class BenchPrepCommand extends BenchTool {
    @Option(names = "--photos", description = "Photo directory (default: the bundled samples; a larger"
            + " collection measures better).")
    Path photos;

    @Option(names = "--patches", defaultValue = "3000", description = "About how many patches each run makes."
            + " Default: ${DEFAULT-VALUE}.")
    int patches;

    @Option(names = "--patch", defaultValue = "128", description = "Patch side. Default: ${DEFAULT-VALUE}.")
    int patch;

    @Option(names = "--quality", defaultValue = "10", description = "JPEG quality. Default: ${DEFAULT-VALUE}.")
    int quality;

    @Option(names = "--peer-seconds", defaultValue = "30", description = "Seconds the seed's PIL pipeline runs."
            + " Default: ${DEFAULT-VALUE}.")
    double peerSeconds;

    @Option(names = "--repeat", defaultValue = "3", description = "Timed pairs of runs (local[1], local[2]);"
            + " medians are reported. Default: ${DEFAULT-VALUE}.")
    int repeat;

    @Option(names = "--warm-up", defaultValue = "4", description = "Untimed full-size runs first, alternating"
            + " local[2] and local[1] (the first runs of a JVM are up to twice as slow while the JIT compiles)."
            + " Default: ${DEFAULT-VALUE}.")
    int warmUp;

    @Option(names = "--no-pin", description = "Leave the process on all its CPUs for every run (local[1] then"
            + " also uses the second core for compiling, collecting and Spark's own threads).")
    boolean noPin;

    @Option(names = "--no-peer", description = "Measure ours only (no peer, limit or seed pipeline).")
    boolean noPeer;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with PIL. Default: ${DEFAULT-VALUE}.")
    String python;

    @Override
    int measure(PrintWriter out) throws IOException {
        Path home = Path.of(System.getProperty("taskscale.home", "."));
        Path dir = photos != null ? photos : home.resolve("datasets-prep/samples");
        long n;
        try (Stream<Path> s = Files.list(dir)) {
            n = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g)")).count();
        }
        if (n == 0) {
            throw new UserException("No .png/.jpg photos in " + dir + ".");
        }
        int perImage = (int) Math.max(1, Math.ceil((double) patches / n));
        out.printf(Locale.ROOT, "bench prep: %d photos in %s, %d patches each, %dx%d, JPEG q%d%n", n, dir, perImage,
                patch, patch, quality);
        out.flush();
        if (repeat < 1) {
            throw new UserException("--repeat must be at least 1, not " + repeat + ".");
        }
        if (warmUp < 0) {
            throw new UserException("--warm-up must be 0 or more, not " + warmUp + ".");
        }
        CpuPinning pin = noPin ? null : CpuPinning.of(out);
        out.printf(Locale.ROOT, "bench prep: %s%n", pin == null ? "unpinned: every run may use all CPUs"
                : "local[1] runs confined to CPU " + pin.one() + ", local[2] runs to CPUs " + pin.two());
        out.flush();
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        List<String> runs = new java.util.ArrayList<>();
        for (int i = 0; i < warmUp; i++) {
            runs.add(i % 2 == 0 ? "warm-up local[2]" : "warm-up local[1]");
        }
        for (int i = 0; i < repeat; i++) {
            runs.addAll(List.of("local[1]", "local[2]"));
        }
        // untimed warm-up runs, so that no timed run pays for the JIT compiling the job's code (after one short
        // warm-up the first local[1] runs were still up to 2x slower, which flattered the scaling); then the
        // pairs alternate, so that a slow spell of a shared machine touches both
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        try {
        for (String run : runs) {
            String master = run.replace("warm-up ", "");
            if (pin != null) {
                pin.confine(master.equals("local[1]") ? pin.one() : pin.two());
            }
            Path tmp = Files.createTempDirectory("taskscale-bench-prep");
            try {
                Map<String, String> o = new LinkedHashMap<>();
                o.put("taskscale.prep.inputs", "[\"" + dir.toUri() + "\"]");
                o.put("taskscale.prep.output", "\"" + tmp.resolve("out").toUri() + "\"");
                o.put("taskscale.prep.task", "jpeg");
                o.put("taskscale.prep.patch-size", Integer.toString(patch));
                o.put("taskscale.prep.jpeg-quality", Integer.toString(quality));
                o.put("taskscale.prep.patches-per-image", Integer.toString(perImage));
                o.put("taskscale.prep.valid-fraction", "0");
                Config c = TaskscaleConfig.load(null, o);
                long t0 = System.nanoTime();
                long cpu0 = os.getProcessCpuTime();
                Manifest m;
                double job;
                try (JavaSparkContext jsc = SparkContexts.create(c, master)) {
                    long j0 = System.nanoTime();
                    m = PrepJob.run(c, jsc, new PrintWriter(new StringWriter()));
                    job = (System.nanoTime() - j0) / 1e9;
                }
                double s = (System.nanoTime() - t0) / 1e9;
                double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
                if (run.startsWith("warm-up")) {
                    out.printf(Locale.ROOT, "  (%s: %.1f s, untimed)%n", run, s);
                    out.flush();
                    continue;
                }
                long made = m.contents().counts().get("patches");
                double rate = made / s;
                rates.computeIfAbsent(master, k -> new java.util.ArrayList<>()).add(rate);
                rates.computeIfAbsent(master + " job", k -> new java.util.ArrayList<>()).add(made / job);
                out.printf(Locale.ROOT, "  ours %s: %d patches in %.1f s (Spark start-up and stop included) = %.1f"
                        + " patches/s; the job alone %.1f s = %.1f patches/s; process CPU %.1f s = %.2f cores%n", master,
                        made, s, rate, job, made / job, cpu, cpu / s);
                out.flush();
                if (!noPeer && master.equals("local[1]")) {
                    Path peerOut = tmp.resolve("peer");
                    rates.computeIfAbsent("peer", k -> new ArrayList<>()).add(python(pin, "pil_prep_peer.py",
                            List.of(dir.toString(), Integer.toString(perImage), Integer.toString(patch),
                                    Integer.toString(quality), peerOut.toString()), out));
                    rates.computeIfAbsent("limit", k -> new ArrayList<>()).add(python(pin, "pil_prep_peer.py",
                            List.of("--limit", dir.toString(), Integer.toString(perImage), Integer.toString(patch),
                                    Integer.toString(quality)), out));
                }
            } finally {
                deleteTree(tmp);
            }
        }
        } finally {
            if (pin != null) {
                pin.confine(pin.all());
            }
        }
        double one = BenchCommand.median(rates.get("local[1]"));
        double two = BenchCommand.median(rates.get("local[2]"));
        out.printf(Locale.ROOT, "prep local[1] patches/s=%.1f local[2] patches/s=%.1f scaling=%.2f (medians of %d)%n",
                one, two, two / one, repeat);
        if (!noPeer) {
            double peer = BenchCommand.median(rates.get("peer"));
            double limit = BenchCommand.median(rates.get("limit"));
            String cpu = pin == null ? "" : ", CPU " + pin.one();
            out.printf(Locale.ROOT, "prep peer (PIL, each photo decoded once, 1 process%s) patches/s=%.1f%n", cpu, peer);
            out.printf(Locale.ROOT, "prep limit (libjpeg-turbo's codec time alone, 1 process%s) patches/s=%.1f%n", cpu,
                    limit);
            double job = BenchCommand.median(rates.get("local[1] job"));
            out.printf(Locale.ROOT, "prep ours/peer=%.2f (local[1] against the peer, per core, medians of %d; Spark's"
                    + " start-up counted, Python's not)%n", one / peer, repeat);
            out.printf(Locale.ROOT, "prep ours/limit=%.2f (local[1] against the limit, per core)%n", one / limit);
            out.printf(Locale.ROOT, "prep job ours/peer=%.2f ours/limit=%.2f (local[1]'s job alone, %.1f patches/s,"
                    + " without Spark's start-up and stop)%n", job / peer, job / limit, job);
            double seed = python(pin, "pil_prep_bench.py", List.of(dir.toString(), Double.toString(peerSeconds),
                    Integer.toString(patch), Integer.toString(quality)), out);
            out.printf(Locale.ROOT, "prep seed pipeline (PIL, a decode per patch) patches/s=%.1f; ours/seed=%.1f%n",
                    seed, one / seed);
        }
        out.flush();
        return 0;
    }

    /** Runs a peer script on one core (local[1]'s, when pinned) and returns the patches/s it printed. */
    private double python(CpuPinning pin, String script, List<String> args, PrintWriter out) {
        List<String> cmd = new ArrayList<>();
        if (pin != null) {
            cmd.addAll(List.of("taskset", "-c", pin.one()));
        }
        cmd.add(python);
        return BenchCommand.runScript(cmd, Peers.script(script), args, Pattern.compile("= ([0-9.]+) patches/s"), out);
    }

    /** Deletes a scratch directory and everything in it (the bench commands' temporary outputs). */
    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            List<Path> all = new ArrayList<>(s.sorted(Comparator.reverseOrder()).toList());
            for (Path q : all) {
                Files.deleteIfExists(q);
            }
        }
    }
}
