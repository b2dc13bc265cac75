package org.taskscale.io;

import java.util.List;
import java.util.Map;
import org.nd4j.shade.jackson.databind.DeserializationFeature;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.SerializationFeature;
import org.nd4j.shade.jackson.databind.node.ObjectNode;

/**
 * What a prep run wrote ({@code manifest.json}): enough for training to check the data against a model (task,
 * scale, channels, patch size, layout) and for a user to see what happened to every input. The file is one flat
 * JSON object (format version 1); its keys are grouped here into the settings, the array shapes and the contents.
 *
 * @param config the resolved configuration of the run (HOCON)
 */
public record Manifest(int formatVersion, Settings settings, Shapes shapes, Contents contents, String config) {
    public static final String FILE = "manifest.json";
    public static final int FORMAT_VERSION = 1;

    /**
     * How the examples were made.
     *
     * @param task the prep task ({@code rescale}, {@code jpeg}, ...)
     * @param modelTask the model task the examples feed, as model zips name it ({@code RESCALING}, ...)
     */
    public record Settings(String task, String modelTask, int scale, int jpegQuality, int jpegQualityMax, int colors,
                           int patchSize, String layout, int minibatch, long seed) {}

    /**
     * The arrays of one example.
     *
     * @param inputShape the input, {@code [C, H, W]}
     * @param labelShapes the labels, {@code [C, H, W]} each, in graph output order
     * @param storage how each array (input, then labels) is stored: {@code uint8} (8-bit levels, value x 255; read
     *     with {@link BatchFile}) or {@code float32} (network units)
     */
    public record Shapes(List<Long> inputShape, List<List<Long>> labelShapes, List<String> storage) {}

    /**
     * What the output holds.
     *
     * @param counts inputs, accepted, rejected, ignored, patches, train/valid patches, files and photos
     * @param inputChannelMean mean of each input channel over all written examples (network units)
     * @param inputListSha256 hash of the sorted photo list
     * @param validPhotos the photos of the validation split (qualified paths, sorted), for whole-image evaluation
     */
    public record Contents(Map<String, Long> counts, List<Double> inputChannelMean, String trainDir, String validDir,
                           String inputListSha256, List<String> validPhotos) {}

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** Reads a manifest.json. */
    public static Manifest parse(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("Not a prep manifest: not a JSON object.");
            }
            return new Manifest(n.path("formatVersion").asInt(), JSON.treeToValue(n, Settings.class),
                    JSON.treeToValue(n, Shapes.class), JSON.treeToValue(n, Contents.class),
                    n.hasNonNull("config") ? n.get("config").asText() : null);
        } catch (org.nd4j.shade.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("Not a prep manifest: " + e.getOriginalMessage(), e);
        }
    }

    /** This manifest as pretty-printed JSON: one flat object, keys in the order of the parts. */
    public String json() {
        ObjectNode n = JSON.createObjectNode();
        n.put("formatVersion", formatVersion);
        n.setAll((ObjectNode) JSON.valueToTree(settings));
        n.setAll((ObjectNode) JSON.valueToTree(shapes));
        n.setAll((ObjectNode) JSON.valueToTree(contents));
        n.put("config", config);
        try {
            return JSON.writeValueAsString(n) + "\n";
        } catch (org.nd4j.shade.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
