package org.taskscale.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.taskscale.eval.ImageEvaluator.Row;
import org.taskscale.io.AtomicWrites;

/**
 * The results of an evaluation as the files other tools read: {@code eval.json} ({@code results}: one object per
 * image; {@code summary}: means per checkpoint x dataset x scale / quality; fields that do not apply are null),
 * {@code eval.csv} (the results' rows), and the summary as a table on the console.
 */
public final class EvalResults {
    private EvalResults() {}

    /** Means over the images of one checkpoint x dataset x task x scale x quality x LR JPEG quality. */
    public record Summary(String checkpoint, String dataset, String task, Integer scale, Integer quality,
                          Integer lrJpeg, int images, double psnrY, double ssimY, double baselinePsnrY,
                          double baselineSsimY, double lrPsnrY, double psnrBY, double psnrRgb, double baselinePsnrRgb) {
        public double gain() {
            return psnrY - baselinePsnrY;
        }

        /** The setting for people: {@code x2}, {@code x2 lr-q75} (LR stored as a JPEG of quality 75), {@code q10}. */
        public String setting() {
            String s = scale != null ? "x" + scale : quality != null ? "q" + quality : "";
            return lrJpeg != null ? s + " lr-q" + lrJpeg : s;
        }
    }

    static final List<String> FIELDS = List.of("checkpoint", "dataset", "image", "task", "scale", "quality", "lr_jpeg",
            "psnr_y", "ssim_y", "baseline_psnr_y", "baseline_ssim_y", "lr_psnr_y", "psnr_b_y", "psnr_rgb",
            "baseline_psnr_rgb");

    /** The summary rows, in the order their groups first appear. */
    public static List<Summary> summarize(List<Row> rows) {
        Map<List<Object>, List<Row>> groups = new LinkedHashMap<>();
        for (Row r : rows) {
            groups.computeIfAbsent(java.util.Arrays.asList(r.checkpoint(), r.dataset(), r.task(), r.scale(), r.quality(),
                    r.lrJpeg()), k -> new ArrayList<>()).add(r);
        }
        List<Summary> out = new ArrayList<>();
        for (List<Row> g : groups.values()) {
            Row f = g.get(0);
            out.add(new Summary(f.checkpoint(), f.dataset(), f.task(), f.scale(), f.quality(), f.lrJpeg(), g.size(),
                    mean(g, Row::psnrY), mean(g, Row::ssimY), mean(g, Row::baselinePsnrY), mean(g, Row::baselineSsimY),
                    mean(g, Row::lrPsnrY), mean(g, Row::psnrBY), mean(g, Row::psnrRgb), mean(g, Row::baselinePsnrRgb)));
        }
        return out;
    }

    private static double mean(List<Row> g, java.util.function.ToDoubleFunction<Row> f) {
        double s = 0;
        int n = 0;
        for (Row r : g) {
            double v = f.applyAsDouble(r);
            if (!Double.isNaN(v)) {
                s += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    private static Object num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
    }

    static Map<String, Object> json(Row r) {
        return fields(r);
    }

    /** A summary's fields, and the gain after the baseline's SSIM-Y. */
    static Map<String, Object> json(Summary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        fields(s).forEach((k, v) -> {
            if (k.equals("lr_psnr_y")) {
                m.put("gain_psnr_y", num(s.gain()));
            }
            m.put(k, v);
        });
        return m;
    }

    /** A record's components in order as snake_case keys ({@code psnrBY}: {@code psnr_b_y}); NaN and infinities as null. */
    private static Map<String, Object> fields(Record r) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (var c : r.getClass().getRecordComponents()) {
            Object v;
            try {
                v = c.getAccessor().invoke(r);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            m.put(c.getName().replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT),
                    v instanceof Double d ? num(d) : v);
        }
        return m;
    }

    /** Writes eval.json and eval.csv into {@code outDir} (any Hadoop filesystem) and prints the summary table. */
    public static List<Summary> write(List<Row> rows, List<String> skipped, String outDir, Configuration conf,
                                      PrintWriter out) throws IOException {
        List<Summary> summary = summarize(rows);
        Path dir = new Path(outDir);
        FileSystem fs = dir.getFileSystem(conf);
        fs.mkdirs(dir);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("results", rows.stream().map(EvalResults::json).toList());
        doc.put("summary", summary.stream().map(EvalResults::json).toList());
        doc.put("skipped", skipped);
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc) + "\n";
        StringBuilder csv = new StringBuilder(String.join(",", FIELDS)).append('\n');
        for (Row r : rows) {
            List<String> cells = new ArrayList<>();
            for (Object v : json(r).values()) {
                String s = v == null ? "" : String.valueOf(v);
                cells.add(s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s);
            }
            csv.append(String.join(",", cells)).append('\n');
        }
        write(fs, new Path(dir, "eval.json"), json);
        write(fs, new Path(dir, "eval.csv"), csv.toString());
        table(summary, out);
        out.printf("eval: %d images evaluated, %d skipped; wrote %s and %s%n", rows.size(), skipped.size(),
                new Path(dir, "eval.json"), new Path(dir, "eval.csv"));
        out.flush();
        return summary;
    }

    static void write(FileSystem fs, Path p, String text) throws IOException {
        AtomicWrites.replace(fs, p, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The summary as an aligned table. */
    public static void table(List<Summary> summary, PrintWriter out) {
        out.printf(Locale.ROOT, "%-34s %-14s %-11s %6s %9s %9s %7s %8s %8s %8s %8s%n", "checkpoint", "dataset",
                "setting", "images", "PSNR-Y", "baseline", "gain", "SSIM-Y", "baseline", "LR PSNR", "PSNR-RGB");
        for (Summary s : summary) {
            out.printf(Locale.ROOT, "%-34s %-14s %-11s %6d %9.2f %9.2f %+7.2f %8.4f %8.4f %8s %8s%n",
                    ImageEvaluator.label(s.checkpoint()), s.dataset(), s.setting().isEmpty() ? "-" : s.setting(),
                    s.images(), s.psnrY(), s.baselinePsnrY(), s.gain(), s.ssimY(), s.baselineSsimY(), twoPlaces(s.lrPsnrY()),
                    twoPlaces(s.psnrRgb()));
        }
        out.flush();
    }

    private static String twoPlaces(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }
}
