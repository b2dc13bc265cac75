package org.taskscale.cli;

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
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.taskscale.config.TaskscaleConfig;
import org.taskscale.prep.Manifest;
import org.taskscale.prep.PrepJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code taskscale bench prep}: the prep job's patches/s on the seed restorer's task (128x128 patches, JPEG q10)
 * on {@code local[1]} and {@code local[2]}, wall clock including Spark's start-up, beside the seed's PIL pipeline
 * ({@code shared/peers/pil_prep_bench.py}, one process) on the same photos.
 */
@Command(name = "prep", mixinStandardHelpOptions = true,
        description = "Prep throughput (jpeg task, 128x128, q10) on local[1] and local[2] against the seed's PIL"
                + " pipeline on the same photos; prints patches/s, the per-core ratio and the 1 -> 2 core scaling."
                + " Each timed run starts its own Spark context (counted); an untimed warm-up run comes first, then"
                + " --repeat pairs of local[1] and local[2] runs, alternating; the figures are their medians.")
final class BenchPrepCommand implements Callable<Integer> {
    @Option(names = "--photos", description = "Photo directory (default: <home>/../shared/data/photos if present,"
            + " else the bundled samples).")
    Path photos;

    @Option(names = "--patches", defaultValue = "3000", description = "About how many patches each run makes."
            + " Default: ${DEFAULT-VALUE}.")
    int patches;

    @Option(names = "--patch", defaultValue = "128", description = "Patch side. Default: ${DEFAULT-VALUE}.")
    int patch;

    @Option(names = "--quality", defaultValue = "10", description = "JPEG quality. Default: ${DEFAULT-VALUE}.")
    int quality;

    @Option(names = "--peer-seconds", defaultValue = "30", description = "Seconds the PIL peer runs. Default: ${DEFAULT-VALUE}.")
    double peerSeconds;

    @Option(names = "--repeat", defaultValue = "3", description = "Timed pairs of runs (local[1], local[2]);"
            + " medians are reported. Default: ${DEFAULT-VALUE}.")
    int repeat;

    @Option(names = "--no-peer", description = "Measure ours only.")
    boolean noPeer;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with PIL. Default: ${DEFAULT-VALUE}.")
    String python;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path home = Path.of(System.getProperty("taskscale.home", "."));
        Path dir = photos != null ? photos : Files.isDirectory(home.resolve("../shared/data/photos"))
                ? home.resolve("../shared/data/photos").normalize() : home.resolve("datasets-prep/samples");
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
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        List<String> runs = new java.util.ArrayList<>(List.of("warm-up"));
        for (int i = 0; i < repeat; i++) {
            runs.addAll(List.of("local[1]", "local[2]"));
        }
        // an untimed warm-up run (JIT), so that neither timed run pays for compiling the other's code; then the
        // pairs alternate, so that a slow spell of a shared machine touches both
        for (String master : runs) {
            Path tmp = Files.createTempDirectory("taskscale-bench-prep");
            try {
                Map<String, String> o = new LinkedHashMap<>();
                o.put("taskscale.prep.inputs", "[\"" + dir.toUri() + "\"]");
                o.put("taskscale.prep.output", "\"" + tmp.resolve("out").toUri() + "\"");
                o.put("taskscale.prep.task", "jpeg");
                o.put("taskscale.prep.patch-size", Integer.toString(patch));
                o.put("taskscale.prep.jpeg-quality", Integer.toString(quality));
                o.put("taskscale.prep.patches-per-image", Integer.toString(master.equals("warm-up") ? Math.max(1, perImage / 3) : perImage));
                o.put("taskscale.prep.valid-fraction", "0");
                Config c = TaskscaleConfig.load(null, o);
                long t0 = System.nanoTime();
                Manifest m;
                try (JavaSparkContext jsc = SparkContexts.create(c, master.equals("warm-up") ? "local[2]" : master)) {
                    m = PrepJob.run(c, jsc, new PrintWriter(new StringWriter()));
                }
                double s = (System.nanoTime() - t0) / 1e9;
                if (master.equals("warm-up")) {
                    continue;
                }
                double rate = m.counts().get("patches") / s;
                rates.computeIfAbsent(master, k -> new java.util.ArrayList<>()).add(rate);
                out.printf(Locale.ROOT, "  ours %s: %d patches in %.1f s (Spark start-up included) = %.1f patches/s%n",
                        master, m.counts().get("patches"), s, rate);
                out.flush();
            } finally {
                deleteTree(tmp);
            }
        }
        double one = BenchCommand.median(rates.get("local[1]"));
        double two = BenchCommand.median(rates.get("local[2]"));
        out.printf(Locale.ROOT, "prep local[1] patches/s=%.1f local[2] patches/s=%.1f scaling=%.2f (medians of %d)%n",
                one, two, two / one, repeat);
        if (!noPeer) {
            Path script = home.resolve("../shared/peers/pil_prep_bench.py").normalize();
            if (!Files.isRegularFile(script)) {
                throw new UserException("The PIL peer " + script + " is missing: pass --no-peer.");
            }
            double peer = BenchCommand.runScript(python, script, List.of(dir.toString(), Double.toString(peerSeconds),
                    Integer.toString(patch), Integer.toString(quality)), Pattern.compile("= ([0-9.]+) patches/s"), out);
            out.printf(Locale.ROOT, "prep peer (PIL, 1 process) patches/s=%.1f%n", peer);
            out.printf(Locale.ROOT, "prep ours local[1]/peer=%.1f (per core)%n", one / peer);
        }
        out.flush();
        return 0;
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
