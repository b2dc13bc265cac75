package org.taskscale.io;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.taskscale.models.Architecture;
import org.taskscale.models.ModelConfig;
import org.taskscale.models.ModelRegistry;
import org.taskscale.tasks.Task;
import org.taskscale.tasks.Tasks;

/**
 * A model zip: DL4J's own format ({@link ModelSerializer}, so any DL4J tool still reads it) plus one entry,
 * {@value #ENTRY}, that says what the network is (architecture, task, scale, colour planes, layout), so that
 * evaluation and inference need nothing but the file.
 */
public final class ModelFile {
    /** The zip entry holding the {@link Info} as JSON. */
    public static final String ENTRY = "taskscale-model.json";

    private ModelFile() {}

    /** What a network is: enough to feed it and read its outputs. */
    public record Info(String arch, Task task, int scale, int colors, CNN2DFormat layout) {
        public static Info of(ModelConfig m) {
            Architecture a = ModelRegistry.get(m.name());
            return new Info(m.name(), a.task(), m.scale(), a.task().colors(m.colors()), m.layout());
        }

        /** The same network with the task, scale or colours given (a null or 0 keeps this one's). */
        public Info with(Task task, int scale) {
            return new Info(arch, task == null ? this.task : task, scale > 0 ? scale : this.scale, colors, layout);
        }
    }

    /** A loaded model and what it is. */
    public record Loaded(ComputationGraph net, Info info) {}

    /** The zip of {@code net} (with its updater state if {@code updater}) and {@code info}. */
    public static byte[] bytes(ComputationGraph net, Info info, boolean updater) throws IOException {
        ByteArrayOutputStream dl4j = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, dl4j, updater);
        ByteArrayOutputStream out = new ByteArrayOutputStream(dl4j.size() + 1024);
        try (ZipInputStream zin = new ZipInputStream(new ByteArrayInputStream(dl4j.toByteArray()));
             ZipOutputStream zout = new ZipOutputStream(out)) {
            if (info != null) {
                // first, so that {@link #peek} reads what a model is without reading the model
                zout.putNextEntry(new ZipEntry(ENTRY));
                zout.write(json(info).getBytes(StandardCharsets.UTF_8));
                zout.closeEntry();
            }
            for (ZipEntry e = zin.getNextEntry(); e != null; e = zin.getNextEntry()) {
                zout.putNextEntry(new ZipEntry(e.getName()));
                zin.transferTo(zout);
                zout.closeEntry();
            }
        }
        return out.toByteArray();
    }

    static String json(Info info) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("arch", info.arch());
        m.put("task", info.task().id());
        m.put("scale", info.scale());
        m.put("colors", info.colors());
        m.put("layout", info.layout().name());
        return new ObjectMapper().writeValueAsString(m);
    }

    /**
     * Reads a model zip. Without the {@value #ENTRY} entry (a zip written by another tool) the task is read from
     * the graph's output names where they say it ({@code lr, hr}: rescaling; {@code grey, rgb}: colour
     * embedding), the rest from the first convolution; {@code task} and {@code scale} (null / 0: unknown) fill in
     * what cannot be read. Fails with a sentence naming the file when the task stays unknown.
     */
    public static Loaded read(byte[] zip, String source, Task task, int scale) throws IOException {
        ComputationGraph net;
        try {
            net = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(zip), false);
        } catch (RuntimeException | IOException e) {
            throw new IOException("The model " + source + " is not a DL4J ComputationGraph zip ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ").", e);
        }
        Info info = null;
        try (ZipInputStream zin = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = zin.getNextEntry(); e != null; e = zin.getNextEntry()) {
                if (e.getName().equals(ENTRY)) {
                    info = parse(zin.readAllBytes());
                }
            }
        }
        if (info == null) {
            info = guess(net, source, task, scale);
        }
        return new Loaded(net, info.with(task, scale));
    }

    /**
     * What a model zip is, from its first entry, reading no further into {@code in}: a sweep over many checkpoints
     * on HDFS reads a few hundred bytes of each. Null when the zip does not start with {@value #ENTRY} (zips from
     * other tools): load it with {@link #read(byte[], String, Task, int)} then.
     */
    public static Info peek(InputStream in) throws IOException {
        ZipInputStream zin = new ZipInputStream(in);
        ZipEntry first = zin.getNextEntry();
        return first != null && first.getName().equals(ENTRY) ? parse(zin.readAllBytes()) : null;
    }

    private static Info parse(byte[] json) throws IOException {
        var n = new ObjectMapper().readTree(json);
        return new Info(n.get("arch").asText(), Tasks.byId(n.get("task").asText()), n.get("scale").asInt(),
                n.get("colors").asInt(), CNN2DFormat.valueOf(n.get("layout").asText()));
    }

    /** {@link #read(byte[], String, Task, int)} from a stream. */
    public static Loaded read(InputStream in, String source, Task task, int scale) throws IOException {
        return read(in.readAllBytes(), source, task, scale);
    }

    private static Info guess(ComputationGraph net, String source, Task task, int scale) {
        var conf = net.getConfiguration();
        var outs = conf.getNetworkOutputs();
        Task t = task;
        if (t == null) {
            t = Tasks.all().stream().filter(k -> k.twoStage() && outs.equals(List.of(k.outputNames()))).findFirst()
                    .orElse(null);
            if (t == null) {
                throw new IllegalArgumentException("The model " + source + " does not say its task (no " + ENTRY
                        + " entry; outputs " + outs + "): give it, e.g. --task sr.");
            }
        }
        ConvolutionLayer first = null;
        for (var e : conf.getVertexInputs().entrySet()) {
            if (e.getValue().contains(conf.getNetworkInputs().get(0)) && conf.getVertices().get(e.getKey()) instanceof LayerVertex lv
                    && lv.getLayerConf().getLayer() instanceof ConvolutionLayer c) {
                first = c;
                break;
            }
        }
        if (first == null) {
            throw new IllegalArgumentException("The model " + source + " has no convolution on its input.");
        }
        boolean scaling = t.scales();
        if (scaling && scale <= 0) {
            throw new IllegalArgumentException("The model " + source + " does not say its scale: give it, e.g. --scale 2.");
        }
        int colors = t.colors(first.getNIn() == 1 ? 1 : 3);
        return new Info("unknown", t, scaling ? scale : 1, colors, first.getCnn2dDataFormat());
    }
}
