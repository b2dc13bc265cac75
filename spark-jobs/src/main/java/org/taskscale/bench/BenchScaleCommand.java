package org.taskscale.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.taskscale.config.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code taskscale bench scale}: prep at archive sizes. For each photo count it runs {@code prep} on the first N
 * photos of a {@code bench corpus} list file, in a process of its own under the given heap (as a user would), and
 * reads what prep prints: the decode stage's progress lines (photos and patches every 5 s), the counts, and the
 * peak memory of the driver and of the executors. It prints wall time, patches/s, the patches/s of the first and
 * the last tenth of the decode stage, and the peaks, and writes each run's progress as CSV and an SVG plot.
 */
@Command(name = "scale",
        description = "Run prep on the first N photos of a bench corpus for each N, each in its own process, and print"
                + " wall time, patches/s (whole run, first and last tenth of the decode stage), driver and executor"
                + " peak heap; with --listing, a dry run over a listing-only list file. Writes OUT/scale-N.csv and .svg.")
final class BenchScaleCommand extends BenchTool {
    @Option(names = "--corpus", description = "A folder made by bench corpus (its photos.txt). Required but with --replot.")
    Path corpus;

    @Option(names = "--replot", description = "Run nothing: draw each OUT/scale-N.svg again from its OUT/scale-N.csv.")
    boolean replot;

    @Option(names = "--photos", split = ",", defaultValue = "1000,5000,20000",
            description = "Photo counts, comma-separated. Default: ${DEFAULT-VALUE}.")
    List<Integer> counts;

    @Option(names = "--listing", description = "Also a dry run (listing and planning alone) over this list file.")
    Path listing;

    @Option(names = "--heap", defaultValue = "2g", description = "TASKSCALE_HEAP of each prep process. Default: ${DEFAULT-VALUE}.")
    String heap;

    @Option(names = "--master", defaultValue = "local[2]", description = "SPARK_MASTER of each prep process."
            + " Default: ${DEFAULT-VALUE}.")
    String master;

    @Option(names = "--local-cluster", description = "Submit each prep to deploy/local-cluster (started beforehand)"
            + " instead: the driver is the submitting JVM, with --heap, and the executors are the workers' own JVMs,"
            + " so that the driver's memory is measured apart from the executors'.")
    boolean localCluster;

    @Option(names = "--config", description = "The prep configuration (default: conf/experiments/small-rescale-x2.conf).")
    Path config;

    @Option(names = "--out", required = true, description = "Where prep outputs, logs, CSVs and plots go.")
    Path out;

    @Option(names = "--warm-up", defaultValue = "30", description = "Seconds of the decode stage left out of the"
            + " first tenth (JIT compilation, first reads). Default: ${DEFAULT-VALUE}.")
    int warmUp;

    /** One progress line: seconds since the decode stage began, photos done, patches made. */
    record Point(double seconds, long photos, long patches) {}

    /** What one prep run printed, and how long it took. */
    record Run(int photos, double wall, List<Point> points, String done, String driver, String executors,
               boolean reconciled) {
        double patchesPerSecond() {
            Point last = points.get(points.size() - 1);
            return last.patches() / last.seconds();
        }
    }

    private static final Pattern PROGRESS = Pattern.compile(
            "^prep: (\\d+)/(\\d+) photos \\(\\d+%\\), (\\d+) patches, ([0-9.]+) patches/s.*");
    private static final Pattern DONE = Pattern.compile(
            "^prep: done: (\\d+) inputs = (\\d+) accepted \\+ (\\d+) rejected; (\\d+) patches.*");

    @Override
    void check() {
        if (counts.isEmpty() || counts.stream().anyMatch(n -> n < 1)) {
            throw new UserException("--photos needs positive counts, not " + counts + ".");
        }
        if (replot) {
            return;
        }
        if (corpus == null) {
            throw new UserException("bench scale needs --corpus DIR (a folder made by bench corpus), or --replot.");
        }
        if (!Files.isRegularFile(corpus.resolve("photos.txt"))) {
            throw new UserException("--corpus " + corpus + " has no photos.txt: make one with bench corpus --photos N --out "
                    + corpus + ".");
        }
    }

    @Override
    int measure(PrintWriter log) throws Exception {
        Path home = Path.of(System.getProperty("taskscale.home", "."));
        if (replot) {
            return replot(log);
        }
        Path conf = config != null ? config : home.resolve("conf/experiments/small-rescale-x2.conf");
        Files.createDirectories(out);
        List<String> all = Files.readAllLines(corpus.resolve("photos.txt"));
        List<Run> runs = new ArrayList<>();
        for (int n : counts) {
            if (n > all.size()) {
                throw new UserException("The corpus " + corpus + " holds " + all.size() + " photos, fewer than " + n
                        + ": make more with bench corpus --photos " + n + " --out " + corpus + " (it keeps the ones made).");
            }
            Path slice = out.resolve("photos-" + n + ".txt");
            Files.write(slice, all.subList(0, n));
            List<String> args = List.of("prep", conf.toString(), "--list-file", slice.toString(), "--set",
                    "taskscale.prep.inputs=[]", "--output", out.resolve("prep-" + n).toString(), "--overwrite");
            Run r = run(home, n, args, out.resolve("prep-" + n + ".log"), log);
            runs.add(r);
            writeCsv(out.resolve("scale-" + n + ".csv"), r);
            Files.writeString(out.resolve("scale-" + n + ".svg"), svg(n, r.points(), warmUp), StandardCharsets.UTF_8);
            report(r, log);
        }
        if (listing != null) {
            List<String> args = List.of("prep", conf.toString(), "--list-file", listing.toString(), "--set",
                    "taskscale.prep.inputs=[]", "--output", out.resolve("prep-listing").toString(), "--dry-run");
            long lines;
            try (var s = Files.lines(listing)) {
                lines = s.count();
            }
            Run r = run(home, (int) lines, args, out.resolve("prep-listing.log"), log);
            log.printf(Locale.ROOT, "scale: listing of %d paths (dry run): wall %.0f s; driver %s%n", lines, r.wall(),
                    r.driver());
        }
        log.println("scale: photos  wall s  patches/s  first tenth  last tenth  last/first  (tenths of the decode stage,"
                + " first after the warm-up; - when a tenth is under " + (int) MIN_WINDOW + " s)");
        for (Run r : runs) {
            double[] t = tenths(r, warmUp);
            log.printf(Locale.ROOT, "scale: %6d  %6.0f  %9.1f  %11s  %10s  %10s%n", r.photos(), r.wall(),
                    r.patchesPerSecond(), fmt(t[0], 1), fmt(t[1], 1), fmt(t[1] / t[0], 3));
        }
        log.println("scale: photos  driver peak heap | executors");
        for (Run r : runs) {
            log.printf(Locale.ROOT, "scale: %6d  %s | %s%n", r.photos(), r.driver(), r.executors());
        }
        log.flush();
        return runs.stream().allMatch(Run::reconciled) ? 0 : 1;
    }

    private int replot(PrintWriter log) throws IOException {
        List<Path> csvs;
        try (var files = Files.list(out)) {
            csvs = files.filter(f -> f.getFileName().toString().matches("scale-\\d+\\.csv")).sorted().toList();
        }
        if (csvs.isEmpty()) {
            throw new UserException("--replot: " + out + " holds no scale-N.csv; run bench scale with --out " + out
                    + " first.");
        }
        for (Path csv : csvs) {
            int n = Integer.parseInt(csv.getFileName().toString().replaceAll("\\D", ""));
            Path svg = csv.resolveSibling("scale-" + n + ".svg");
            Files.writeString(svg, svg(n, readCsv(csv), warmUp), StandardCharsets.UTF_8);
            log.println("scale: plotted " + svg);
        }
        log.flush();
        return 0;
    }

    private Run run(Path home, int n, List<String> args, Path logFile, PrintWriter log) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (localCluster) {
            cmd.addAll(List.of(home.resolve("deploy/local-cluster").toString(), "submit", "--"));
        } else {
            cmd.add(home.resolve("bin/taskscale").toString());
        }
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("TASKSCALE_HEAP", heap);
        pb.environment().put("SPARK_DRIVER_MEMORY", heap);
        pb.environment().put("SPARK_MASTER", master);
        pb.environment().put("TASKSCALE_NO_BUILD", "1");
        log.printf(Locale.ROOT, "scale: %d photos: %s (heap %s, %s); log %s%n", n, String.join(" ", args), heap,
                localCluster ? "deploy/local-cluster" : master, logFile);
        log.flush();
        long start = System.nanoTime();
        List<Point> points = new ArrayList<>();
        String done = null;
        String driver = "?";
        String executors = "?";
        boolean reconciled = false;
        Process p = pb.start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter file = new PrintWriter(Files.newBufferedWriter(logFile, StandardCharsets.UTF_8))) {
            String line;
            double first = Double.NaN;
            while ((line = r.readLine()) != null) {
                file.println(line);
                Matcher m = PROGRESS.matcher(line);
                if (m.matches()) {
                    double now = (System.nanoTime() - start) / 1e9;
                    long photos = Long.parseLong(m.group(1));
                    long patches = Long.parseLong(m.group(3));
                    if (Double.isNaN(first)) {  // the rate line tells when the stage began: patches / rate seconds ago
                        double rate = Double.parseDouble(m.group(4));
                        first = rate > 0 ? now - patches / rate : now;
                    }
                    points.add(new Point(now - first, photos, patches));
                    if (points.size() % 12 == 0) {
                        log.println("scale: " + line.substring("prep: ".length()));
                        log.flush();
                    }
                } else if (line.startsWith("prep: done:")) {
                    done = line;
                    Matcher d = DONE.matcher(line);
                    reconciled = d.matches() && Long.parseLong(d.group(1)) == n
                            && Long.parseLong(d.group(1)) == Long.parseLong(d.group(2)) + Long.parseLong(d.group(3));
                } else if (line.startsWith("prep: peak memory of this process: ")) {
                    driver = line.substring("prep: peak memory of this process: ".length());
                } else if (line.startsWith("prep: peak memory of the decode stage's executors: ")) {
                    executors = line.substring("prep: peak memory of the decode stage's executors: ".length());
                } else if (line.startsWith("prep: dry run")) {
                    done = line;
                    reconciled = true;
                }
            }
        }
        int rc = p.waitFor();
        double wall = (System.nanoTime() - start) / 1e9;
        if (rc != 0 || done == null) {
            throw new UserException("prep of " + n + " photos failed (exit " + rc + "); see " + logFile + ".");
        }
        if (points.isEmpty()) {
            points.add(new Point(wall, n, 0));
        }
        return new Run(n, wall, points, done, driver, executors, reconciled);
    }

    /**
     * Patches/s over the first tenth of the decode stage (after {@code warmUp} seconds) and over its last tenth, from
     * the progress lines bracketing each window.
     */
    static double[] tenths(Run r, double warmUp) {
        List<Point> pts = r.points();
        double end = pts.get(pts.size() - 1).seconds();
        double tenth = end / 10;
        if (tenth < MIN_WINDOW) {  // progress moves in whole tasks: a short window measures task boundaries
            return new double[] {Double.NaN, Double.NaN};
        }
        double a = Math.min(warmUp, Math.max(0, end - 2 * tenth));
        return new double[] {rate(pts, a, a + tenth), rate(pts, end - tenth, end)};
    }

    /**
     * The shortest window a rate is measured over, in seconds: progress counts photos as their tasks report (tasks of
     * about 100 photos, every few seconds per core), so shorter windows see task boundaries, not throughput.
     */
    static final double MIN_WINDOW = 60;

    /** Patches/s between the progress lines nearest to {@code from} and {@code to}. */
    private static double rate(List<Point> pts, double from, double to) {
        Point x = nearest(pts, from);
        Point y = nearest(pts, to);
        return y.seconds() > x.seconds() ? (y.patches() - x.patches()) / (y.seconds() - x.seconds()) : Double.NaN;
    }

    private static Point nearest(List<Point> pts, double t) {
        Point best = pts.get(0);
        for (Point p : pts) {
            if (Math.abs(p.seconds() - t) < Math.abs(best.seconds() - t)) {
                best = p;
            }
        }
        return best;
    }

    private static String fmt(double v, int decimals) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static void report(Run r, PrintWriter log) {
        log.printf(Locale.ROOT, "scale: %d photos: wall %.0f s, %.1f patches/s; %s%n", r.photos(), r.wall(),
                r.patchesPerSecond(), r.done().substring("prep: ".length()));
        log.printf(Locale.ROOT, "scale: %d photos: driver %s; %s%n", r.photos(), r.driver(), r.executors());
        log.flush();
    }

    static void writeCsv(Path file, Run r) throws IOException {
        StringBuilder sb = new StringBuilder("seconds,photos,patches,patches_per_second\n");
        Point prev = null;
        for (Point p : r.points()) {
            double rate = prev == null ? p.patches() / Math.max(p.seconds(), 1e-9)
                    : (p.patches() - prev.patches()) / Math.max(p.seconds() - prev.seconds(), 1e-9);
            sb.append(String.format(Locale.ROOT, "%.1f,%d,%d,%.1f%n", p.seconds(), p.photos(), p.patches(), rate));
            prev = p;
        }
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }

    /**
     * Patches/s over time as an SVG line plot: each point is the rate over the 30 s before it (whole tasks report,
     * so shorter spans jump), with the run's mean dashed and the first tenth (after the warm-up) and the last tenth
     * shaded and labelled with their rates.
     */
    static String svg(int photos, List<Point> pts, double warmUp) {
        int w = 760;
        int h = 300;
        int left = 56;
        int right = 20;
        int top = 40;
        int bottom = 40;
        double tMax = Math.max(pts.get(pts.size() - 1).seconds(), 1);
        List<double[]> xy = new ArrayList<>();
        double yMax = 1;
        for (int i = 1; i < pts.size(); i++) {
            Point b = pts.get(i);
            Point a = pts.get(0);
            for (int j = i - 1; j >= 0; j--) {
                a = pts.get(j);
                if (b.seconds() - a.seconds() >= 30) {
                    break;
                }
            }
            double rate = (b.patches() - a.patches()) / Math.max(b.seconds() - a.seconds(), 1e-9);
            xy.add(new double[] {b.seconds(), rate});
            yMax = Math.max(yMax, rate);
        }
        double yStep = niceStep(yMax * 1.1 / 5);
        double yTop = Math.ceil(yMax * 1.1 / yStep) * yStep;
        boolean minutes = tMax > 180;
        double xStep = niceStep((minutes ? tMax / 60 : tMax) / 8) * (minutes ? 60 : 1);
        java.util.function.DoubleUnaryOperator px = t -> left + (w - left - right) * t / tMax;
        java.util.function.DoubleUnaryOperator py = v -> h - bottom - (h - top - bottom) * v / yTop;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"11\">%n<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n",
                w, h, w, h));
        double mean = pts.get(pts.size() - 1).patches() / tMax;
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" font-size=\"13\">prep of %,d photos: patches/s"
                + " over the preceding 30 s; decode stage %.0f s, mean %.0f patches/s (dashed)</text>%n", left, photos,
                tMax, mean));
        Run run = new Run(photos, tMax, pts, "", "", "", true);
        double tenth = tMax / 10;
        double[] rates = tenths(run, warmUp);
        if (!Double.isNaN(rates[0])) {
            double a = Math.min(warmUp, Math.max(0, tMax - 2 * tenth));
            double[][] spans = {{a, a + tenth, rates[0]}, {tMax - tenth, tMax, rates[1]}};
            String[] names = {"first tenth", "last tenth"};
            for (int k = 0; k < 2; k++) {
                double x0 = px.applyAsDouble(spans[k][0]);
                double x1 = px.applyAsDouble(spans[k][1]);
                sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\""
                        + " fill=\"#f3d9a4\" opacity=\"0.6\"/>%n<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s:"
                        + " %.0f/s</text>%n", x0, top, x1 - x0, h - top - bottom, (x0 + x1) / 2, top - 4, names[k],
                        spans[k][2]));
            }
        }
        for (double v = 0; v <= yTop + 1e-9; v += yStep) {
            double y = py.applyAsDouble(v);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>%n", left, y, w - right, y, left - 4,
                    y + 4, v));
        }
        for (double t = 0; t <= tMax + 1e-9; t += xStep) {
            double x = px.applyAsDouble(t);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, h - bottom, x, h - bottom + 4,
                    x, h - bottom + 16, minutes ? fmt(t / 60, 0) + " min" : fmt(t, 0) + " s"));
        }
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>"
                + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", left, h - bottom,
                w - right, h - bottom, left, top, left, h - bottom));
        sb.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\""
                + " text-anchor=\"middle\">patches/s</text>%n", (top + h - bottom) / 2, (top + h - bottom) / 2));
        double my = py.applyAsDouble(mean);
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#888\""
                + " stroke-dasharray=\"5,4\"/>%n", left, my, w - right, my));
        StringBuilder line = new StringBuilder();
        for (double[] p : xy) {
            line.append(String.format(Locale.ROOT, "%.1f,%.1f ", px.applyAsDouble(p[0]), py.applyAsDouble(p[1])));
        }
        sb.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"#1f6fb2\" stroke-width=\"1.5\""
                + " points=\"%s\"/>%n</svg>%n", line.toString().trim()));
        return sb.toString();
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}: axis steps a reader can add up. */
    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-9))));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= raw) {
                return m * p;
            }
        }
        return 10 * p;
    }

    /** The progress points of a CSV written by {@link #writeCsv}. */
    static List<Point> readCsv(Path file) throws IOException {
        List<Point> pts = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",");
            pts.add(new Point(Double.parseDouble(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])));
        }
        return pts;
    }
}
