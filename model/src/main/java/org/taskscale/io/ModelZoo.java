package org.taskscale.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * The trained models that ship inside the jar (so every executor of a cluster has them), named {@code zoo:NAME}
 * wherever a model path is taken: eval, infer, train {@code --load}. {@link #open} is the one way a model spec is
 * opened, so a zoo name and a path on any Hadoop filesystem work alike. The index, {@code zoo.json} beside the zips,
 * says what each model is, the configuration it was trained with, for how long, on what, and its validation figures.
 */
public final class ModelZoo {
    /** The prefix of a zoo model's spec. */
    public static final String PREFIX = "zoo:";

    private static final String BASE = "/org/taskscale/zoo/";

    /**
     * One model of the zoo.
     *
     * @param task the task as {@code eval --task} spells it
     * @param config the experiment file it was trained with, relative to the repository
     * @param data the training data, in words (corpus, photos, patches)
     * @param validation figures on the corpus's validation photos, by eval.json's field names
     */
    public record Entry(String name, String file, String arch, String task, int scale, String description, String config,
                        long iterations, double hours, String data, Map<String, Double> validation) {}

    private ModelZoo() {}

    /** True when {@code spec} names a zoo model ({@code zoo:NAME}). */
    public static boolean isZoo(String spec) {
        return spec != null && spec.startsWith(PREFIX);
    }

    /** The zoo's models, in the index's order (empty when the build ships none). */
    public static List<Entry> entries() throws IOException {
        List<Entry> out = new ArrayList<>();
        try (InputStream in = ModelZoo.class.getResourceAsStream(BASE + "zoo.json")) {
            if (in == null) {
                return out;
            }
            for (JsonNode n : new ObjectMapper().readTree(in)) {
                Map<String, Double> v = new LinkedHashMap<>();
                n.path("validation").fields().forEachRemaining(f -> v.put(f.getKey(), f.getValue().asDouble()));
                out.add(new Entry(n.get("name").asText(), n.get("file").asText(), n.get("arch").asText(),
                        n.get("task").asText(), n.get("scale").asInt(), n.get("description").asText(),
                        n.get("config").asText(), n.get("iterations").asLong(), n.get("hours").asDouble(),
                        n.get("data").asText(), v));
            }
        }
        return out;
    }

    /** The zoo model {@code spec} ({@code zoo:NAME} or NAME); an unknown name fails with the names there are. */
    public static Entry get(String spec) throws IOException {
        String name = isZoo(spec) ? spec.substring(PREFIX.length()) : spec;
        List<Entry> all = entries();
        return all.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("There is no zoo model " + name + (all.isEmpty() ? "; this build ships none."
                        : "; the zoo has " + String.join(", ", all.stream().map(Entry::name).toList())
                        + " (bin/taskscale zoo lists them).")));
    }

    /** Opens a model: a zoo model from the jar, anything else as a path on its Hadoop filesystem. */
    public static InputStream open(String spec, Configuration conf) throws IOException {
        if (isZoo(spec)) {
            Entry e = get(spec);
            InputStream in = ModelZoo.class.getResourceAsStream(BASE + e.file());
            if (in == null) {
                throw new IOException("The zoo index lists " + e.file() + " for " + spec + " but the jar lacks it;"
                        + " rebuild the jar.");
            }
            return in;
        }
        Path p = new Path(spec);
        return p.getFileSystem(conf).open(p);
    }

    /** The zoo model's zip bytes. */
    public static byte[] bytes(String spec) throws IOException {
        try (InputStream in = open(spec, new Configuration())) {
            return in.readAllBytes();
        }
    }
}
