package org.taskscale.eval;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * {@code report.html}: one self-contained page (inline CSS, SVG charts and PNG crops as data URLs; nothing is
 * fetched) with the summary table, the training curves of the evaluated runs (loss, and validation PSNR-Y against
 * the baseline, from their {@code metrics.csv}), and side-by-side crops of a few images.
 */
public final class Report {
    private Report() {}

    /** A run's training log: its label and the text of its metrics.csv. */
    public record Run(String label, String metricsCsv) {}

    public static String html(String title, List<EvalResults.Summary> summary, List<Run> runs,
                              List<ImageEvaluator.Crops> crops) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title))
                .append("</title>\n<style>\nbody{font-family:sans-serif;margin:2em;color:#222;max-width:1400px}"
                        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;"
                        + "text-align:right}th{background:#f3f3f3}td.l,th.l{text-align:left}.pos{color:#070}.neg{color:#a00}"
                        + "figure{display:inline-block;margin:4px;text-align:center;vertical-align:top}"
                        + "figure img{image-rendering:pixelated;border:1px solid #999}figcaption{font-size:12px}"
                        + "svg{background:#fff;border:1px solid #ddd;margin:4px}.chart text{font-size:11px}"
                        + "</style></head><body>\n");
        h.append("<h1>").append(esc(title)).append("</h1>\n");
        h.append("<p>PSNR-Y and SSIM-Y on Y of BT.601 (8-bit results; scaling tasks shave <i>scale</i> border pixels)."
                + " Baseline: MATLAB bicubic down and up (rescaling), bicubic up (SR), the JPEG input (restoration), the"
                + " grey image (colorization). LR PSNR: the learned low-resolution preview against the bicubic one. lr-qN: the"
                + " LR image (ours and the baseline's) stored as a JPEG of quality N before upscaling. PSNR-RGB: over the"
                + " three planes, where the model sees them.</p>\n");
        h.append("<h2>Summary</h2>\n<table id=\"summary\"><tr><th class=\"l\">checkpoint</th><th class=\"l\">dataset</th>"
                + "<th>setting</th><th>images</th><th>PSNR-Y</th><th>baseline</th><th>gain</th><th>SSIM-Y</th>"
                + "<th>baseline</th><th>LR PSNR-Y</th><th>PSNR-RGB</th></tr>\n");
        for (EvalResults.Summary s : summary) {
            String setting = s.setting();
            h.append("<tr><td class=\"l\">").append(esc(ImageEvaluator.label(s.checkpoint()))).append("</td><td class=\"l\">")
                    .append(esc(s.dataset())).append("</td><td>").append(setting).append("</td><td>").append(s.images())
                    .append("</td><td>").append(f2(s.psnrY())).append("</td><td>").append(f2(s.baselinePsnrY()))
                    .append("</td><td class=\"").append(s.gain() >= 0 ? "pos" : "neg").append("\">")
                    .append(String.format(Locale.ROOT, "%+.2f", s.gain())).append("</td><td>").append(f4(s.ssimY()))
                    .append("</td><td>").append(f4(s.baselineSsimY())).append("</td><td>").append(f2(s.lrPsnrY()))
                    .append("</td><td>").append(f2(s.psnrRgb())).append("</td></tr>\n");
        }
        h.append("</table>\n");
        h.append("<h2>Training curves</h2>\n");
        if (runs.isEmpty()) {
            h.append("<p>No metrics.csv was found next to the evaluated checkpoints.</p>\n");
        }
        for (Run r : runs) {
            Curves c = Curves.parse(r.metricsCsv());
            h.append("<h3>").append(esc(r.label())).append("</h3>\n<div>");
            h.append(chart("training loss", "iteration", List.of(new Series("loss", "#1f77b4", c.lossX, c.loss)), true));
            h.append(chart("validation PSNR-Y (dB)", "iteration", List.of(new Series("ours", "#d62728", c.validX, c.valid),
                    new Series("baseline", "#7f7f7f", c.validX, c.baseline)), false));
            if (c.lr.stream().anyMatch(v -> !Double.isNaN(v))) {
                h.append(chart("LR preview vs bicubic LR, PSNR-Y (dB)", "iteration",
                        List.of(new Series("LR preview", "#2ca02c", c.validX, c.lr)), false));
            }
            h.append("</div>\n");
        }
        h.append("<h2>Crops</h2>\n");
        if (crops.isEmpty()) {
            h.append("<p>No crops were asked for (crops = 0).</p>\n");
        }
        for (ImageEvaluator.Crops c : crops) {
            ImageEvaluator.Row r = c.row();
            h.append("<h3>").append(esc(r.image())).append(" <small>(").append(esc(r.dataset())).append(", ")
                    .append(esc(ImageEvaluator.label(r.checkpoint()))).append(r.scale() != null ? ", x" + r.scale() : "")
                    .append(")</small></h3>\n<div class=\"crops\">");
            h.append(figure(c.reference(), "reference (HR)", 2));
            h.append(figure(c.baseline(), "baseline, " + f2(c.baselinePsnrY()) + " dB", 2));
            h.append(figure(c.result(), "ours, " + f2(c.psnrY()) + " dB", 2));
            if (c.preview() != null) {
                h.append(figure(c.preview(), "learned LR preview", 2 * (r.scale() == null ? 1 : r.scale())));
            }
            h.append("</div>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private static String figure(byte[] png, String caption, int zoom) {
        java.awt.Dimension d = size(png);
        return "<figure><img alt=\"" + esc(caption) + "\" style=\"width:"
                + d.width * zoom + "px;height:" + d.height * zoom + "px\" src=\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(png) + "\"><figcaption>" + esc(caption) + "</figcaption></figure>";
    }

    private static java.awt.Dimension size(byte[] png) {
        // PNG IHDR: width and height are the big-endian ints at bytes 16 and 20
        int w = ((png[16] & 0xff) << 24) | ((png[17] & 0xff) << 16) | ((png[18] & 0xff) << 8) | (png[19] & 0xff);
        int hh = ((png[20] & 0xff) << 24) | ((png[21] & 0xff) << 16) | ((png[22] & 0xff) << 8) | (png[23] & 0xff);
        return new java.awt.Dimension(w, hh);
    }

    record Series(String name, String color, List<Double> x, List<Double> y) {}

    /** The loss and validation series of a metrics.csv. */
    static final class Curves {
        final List<Double> lossX = new ArrayList<>();
        final List<Double> loss = new ArrayList<>();
        final List<Double> validX = new ArrayList<>();
        final List<Double> valid = new ArrayList<>();
        final List<Double> baseline = new ArrayList<>();
        final List<Double> lr = new ArrayList<>();

        static Curves parse(String csv) {
            Curves c = new Curves();
            String[] lines = csv.split("\n");
            if (lines.length == 0) {
                return c;
            }
            List<String> head = List.of(lines[0].trim().split(",", -1));
            int it = head.indexOf("iteration");
            int loss = head.indexOf("loss");
            int v = head.indexOf("valid_psnr_y");
            int b = head.indexOf("baseline_psnr_y");
            int l = head.indexOf("lr_psnr_y");
            for (int i = 1; i < lines.length; i++) {
                String[] f = lines[i].trim().split(",", -1);
                if (f.length < head.size() || it < 0) {
                    continue;
                }
                double x = num(f[it]);
                if (loss >= 0 && !f[loss].isEmpty()) {
                    c.lossX.add(x);
                    c.loss.add(num(f[loss]));
                }
                if (v >= 0 && !f[v].isEmpty()) {
                    c.validX.add(x);
                    c.valid.add(num(f[v]));
                    c.baseline.add(b >= 0 ? num(f[b]) : Double.NaN);
                    c.lr.add(l >= 0 ? num(f[l]) : Double.NaN);
                }
            }
            return c;
        }

        private static double num(String s) {
            try {
                return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
    }

    /** A line chart as inline SVG (log scale on y when asked and all values are positive). */
    static String chart(String title, String xLabel, List<Series> series, boolean logY) {
        int w = 460;
        int hgt = 260;
        int left = 56;
        int right = 12;
        int top = 24;
        int bottom = 36;
        double x0 = Double.POSITIVE_INFINITY;
        double x1 = Double.NEGATIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY;
        double y1 = Double.NEGATIVE_INFINITY;
        boolean log = logY;
        for (Series s : series) {
            for (int i = 0; i < s.x().size(); i++) {
                double x = s.x().get(i);
                double y = s.y().get(i);
                if (Double.isNaN(x) || Double.isNaN(y)) {
                    continue;
                }
                log &= y > 0;
                x0 = Math.min(x0, x);
                x1 = Math.max(x1, x);
                y0 = Math.min(y0, y);
                y1 = Math.max(y1, y);
            }
        }
        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"")
                .append(hgt).append("\" viewBox=\"0 0 ").append(w).append(' ').append(hgt).append("\"><text x=\"")
                .append(w / 2).append("\" y=\"15\" text-anchor=\"middle\" font-weight=\"bold\">").append(esc(title))
                .append("</text>");
        if (x0 == Double.POSITIVE_INFINITY) {
            return svg.append("<text x=\"").append(w / 2).append("\" y=\"").append(hgt / 2)
                    .append("\" text-anchor=\"middle\">no data</text></svg>").toString();
        }
        if (x1 == x0) {
            x1 = x0 + 1;
        }
        final boolean useLog = log;
        double ly0 = useLog ? Math.log10(y0) : y0;
        double ly1 = useLog ? Math.log10(y1) : y1;
        if (ly1 - ly0 < 1e-9) {
            ly0 -= 0.5;
            ly1 += 0.5;
        }
        double pad = (ly1 - ly0) * 0.05;
        ly0 -= pad;
        ly1 += pad;
        double fx0 = x0;
        double fx1 = x1;
        double fy0 = ly0;
        double fy1 = ly1;
        java.util.function.DoubleUnaryOperator px = x -> left + (x - fx0) / (fx1 - fx0) * (w - left - right);
        java.util.function.DoubleUnaryOperator py = y -> top + (1 - ((useLog ? Math.log10(y) : y) - fy0) / (fy1 - fy0))
                * (hgt - top - bottom);
        svg.append("<rect x=\"").append(left).append("\" y=\"").append(top).append("\" width=\"").append(w - left - right)
                .append("\" height=\"").append(hgt - top - bottom).append("\" fill=\"none\" stroke=\"#999\"/>");
        for (int k = 0; k <= 4; k++) {
            double ly = fy0 + (fy1 - fy0) * k / 4;
            double y = useLog ? Math.pow(10, ly) : ly;
            double yy = py.applyAsDouble(y);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", left, w - right, yy, yy, left - 4, yy + 4,
                    tick(y)));
            double x = fx0 + (fx1 - fx0) * k / 4;
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                    px.applyAsDouble(x), hgt - bottom + 14, tick(x)));
        }
        svg.append("<text x=\"").append(w - right).append("\" y=\"").append(hgt - 4).append("\" text-anchor=\"end\">")
                .append(esc(xLabel)).append("</text>");
        int legend = 0;
        for (Series s : series) {
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < s.x().size(); i++) {
                double y = s.y().get(i);
                if (Double.isNaN(y) || (useLog && y <= 0)) {
                    continue;
                }
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px.applyAsDouble(s.x().get(i)), py.applyAsDouble(y)));
            }
            if (pts.length() == 0) {
                continue;
            }
            svg.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(s.color()).append("\" points=\"")
                    .append(pts.toString().trim()).append("\"><title>").append(esc(s.name())).append("</title></polyline>");
            // legend under the plot, left of the axis label: never over a curve
            int lx = left + legend * 90;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"3\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>", lx, hgt - 8, s.color(), lx + 14, hgt - 4, esc(s.name())));
            legend++;
        }
        return svg.append("</svg>").toString();
    }

    private static String tick(double v) {
        double a = Math.abs(v);
        if (a >= 1 && a < 1e5 && Math.abs(v - Math.rint(v)) < 1e-9) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a != 0 && (a < 0.01 || a >= 1e5)) {
            return String.format(Locale.ROOT, "%.1e", v);
        }
        return a < 1 ? String.format(Locale.ROOT, "%.3f", v) : a < 100 ? String.format(Locale.ROOT, "%.2f", v)
                : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String f2(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String f4(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

}
