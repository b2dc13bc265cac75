package org.taskscale.eval;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.taskscale.data.Examples;
import org.taskscale.data.Planes;
import org.taskscale.image.Image;
import org.taskscale.image.ImageDecoder;
import org.taskscale.image.ImageReadException;
import org.taskscale.models.Task;
import org.taskscale.prep.PhotoLister;

/**
 * Evaluates one model on a folder of whole images with the standard {@link Protocol}: each image becomes the
 * task's example (HR cropped to a multiple of the scale, LR and JPEG inputs stored at 8 bits), runs through the
 * network whole, and is scored against the task's baseline. Writes {@code eval.json} (results and summary) and
 * {@code eval.csv}. (The Spark sweep over checkpoints and datasets builds on this.)
 */
public final class SingleModelEval {
    private SingleModelEval() {}

    /** One evaluated image, the fields of eval.json; NaN fields are written as null. */
    public record Row(String checkpoint, String dataset, String image, String task, Integer scale, Integer quality,
                      double psnrY, double ssimY, double baselinePsnrY, double baselineSsimY, double lrPsnrY,
                      double psnrBY) {}

    public static List<Row> run(String model, String images, Task task, int scale, int quality, String outDir,
                                Configuration conf, PrintWriter out) throws IOException {
        Path mp = new Path(model);
        ComputationGraph net;
        try (InputStream in = mp.getFileSystem(conf).open(mp)) {
            net = ModelSerializer.restoreComputationGraph(in, false);
        }
        // layout and input channels: those of the first convolution on the graph input
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer first = null;
        var conf0 = net.getConfiguration();
        for (var e : conf0.getVertexInputs().entrySet()) {
            if (e.getValue().contains("in") && conf0.getVertices().get(e.getKey())
                    instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv
                    && lv.getLayerConf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer c) {
                first = c;
                break;
            }
        }
        if (first == null) {
            throw new IllegalArgumentException("The model " + model + " has no convolution on its input.");
        }
        CNN2DFormat layout = first.getCnn2dDataFormat();
        int colors = first.getNIn() == 1 && task != Task.COLORIZATION ? 1 : 3;
        boolean scaling = task == Task.RESCALING || task == Task.SUPER_RESOLUTION
                || task == Task.SUPER_RESOLUTION_PREUPSAMPLED;
        List<PhotoLister.Photo> photos = PhotoLister.list(List.of(images), "",
                List.of("png", "jpg", "jpeg", "bmp", "tif", "tiff", "webp"), conf).photos();
        List<Row> rows = new ArrayList<>();
        String dataset = new Path(images).getName();
        for (PhotoLister.Photo ph : photos) {
            Path p = new Path(ph.path());
            Image img;
            try (InputStream in = p.getFileSystem(conf).open(p)) {
                img = new ImageDecoder().decode(in.readAllBytes(), ph.path());
            } catch (ImageReadException e) {
                out.printf("eval: skipped %s: %s%n", ph.path(), e.detail());
                continue;
            }
            Examples.Example ex = Examples.make(task, new Examples.Degradation(scaling ? scale : 1, colors, quality), img);
            INDArray[] outs = net.output(Examples.inputs(List.of(ex), layout));
            List<Planes> o = new ArrayList<>();
            for (INDArray a : outs) {
                o.add(Examples.unbatch(a, 0, layout));
            }
            Protocol.Scores s = Protocol.score(task, scaling ? scale : 1, ex.input(), ex.labels(), o);
            rows.add(new Row(model, dataset, ph.key(), task.name().toLowerCase(Locale.ROOT), scaling ? scale : null,
                    task == Task.JPEG_RESTORATION ? quality : null, s.psnrY(), s.ssimY(), s.baselinePsnrY(),
                    s.baselineSsimY(), s.lrPsnrY(), s.psnrBY()));
            out.printf(Locale.ROOT, "eval: %-28s PSNR-Y %6.2f dB (baseline %6.2f, %+5.2f)  SSIM-Y %.4f (baseline %.4f)%n",
                    ph.key(), s.psnrY(), s.baselinePsnrY(), s.psnrY() - s.baselinePsnrY(), s.ssimY(), s.baselineSsimY());
            out.flush();
        }
        write(rows, outDir, conf, out);
        return rows;
    }

    private static Object num(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static void write(List<Row> rows, String outDir, Configuration conf, PrintWriter out) throws IOException {
        Path dir = new Path(outDir);
        FileSystem fs = dir.getFileSystem(conf);
        fs.mkdirs(dir);
        List<Map<String, Object>> results = new ArrayList<>();
        StringBuilder csv = new StringBuilder("checkpoint,dataset,image,task,scale,quality,psnr_y,ssim_y,baseline_psnr_y,"
                + "baseline_ssim_y,lr_psnr_y,psnr_b_y\n");
        double[] mean = new double[4];
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("checkpoint", r.checkpoint());
            m.put("dataset", r.dataset());
            m.put("image", r.image());
            m.put("task", r.task());
            m.put("scale", r.scale());
            m.put("quality", r.quality());
            m.put("psnr_y", num(r.psnrY()));
            m.put("ssim_y", num(r.ssimY()));
            m.put("baseline_psnr_y", num(r.baselinePsnrY()));
            m.put("baseline_ssim_y", num(r.baselineSsimY()));
            m.put("lr_psnr_y", num(r.lrPsnrY()));
            m.put("psnr_b_y", num(r.psnrBY()));
            results.add(m);
            csv.append(String.join(",", m.values().stream().map(v -> v == null ? "" : String.valueOf(v)).toList()))
                    .append('\n');
            mean[0] += r.psnrY();
            mean[1] += r.ssimY();
            mean[2] += r.baselinePsnrY();
            mean[3] += r.baselineSsimY();
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        if (!rows.isEmpty()) {
            Row f = rows.get(0);
            summary.put("checkpoint", f.checkpoint());
            summary.put("dataset", f.dataset());
            summary.put("images", rows.size());
            summary.put("psnr_y", mean[0] / rows.size());
            summary.put("ssim_y", mean[1] / rows.size());
            summary.put("baseline_psnr_y", mean[2] / rows.size());
            summary.put("baseline_ssim_y", mean[3] / rows.size());
            out.printf(Locale.ROOT, "eval: %d images: PSNR-Y %.2f dB (baseline %.2f, %+.2f), SSIM-Y %.4f (baseline %.4f)%n",
                    rows.size(), mean[0] / rows.size(), mean[2] / rows.size(), (mean[0] - mean[2]) / rows.size(),
                    mean[1] / rows.size(), mean[3] / rows.size());
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("results", results);
        doc.put("summary", rows.isEmpty() ? List.of() : List.of(summary));
        String json = new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc) + "\n";
        try (var o = fs.create(new Path(dir, "eval.json"), true)) {
            o.write(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        try (var o = fs.create(new Path(dir, "eval.csv"), true)) {
            o.write(csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        out.printf("eval: wrote %s and %s%n", new Path(dir, "eval.json"), new Path(dir, "eval.csv"));
        out.flush();
    }
}
