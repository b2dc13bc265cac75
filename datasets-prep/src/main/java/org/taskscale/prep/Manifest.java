package org.taskscale.prep;

import java.util.List;
import java.util.Map;

/**
 * What a prep run wrote ({@code manifest.json}): enough for training to check the data against a model
 * (task, scale, channels, patch size, layout) and for a user to see what happened to every input.
 *
 * @param task the prep task ({@code rescale}, {@code jpeg}, ...)
 * @param modelTask the model task the examples feed ({@code RESCALING}, ...)
 * @param inputShape one example's input, {@code [C, H, W]}
 * @param labelShapes one example's labels, {@code [C, H, W]} each, in graph output order
 * @param storage how each array (input, then labels) is stored: {@code uint8} (8-bit levels, value x 255; read
 *     with {@link PrepData}) or {@code float32} (network units)
 * @param counts inputs, accepted, rejected, ignored, patches, train/valid patches, files and photos
 * @param inputChannelMean mean of each input channel over all written examples (network units)
 * @param inputListSha256 hash of the sorted photo list
 * @param validPhotos the photos of the validation split (qualified paths, sorted), for whole-image evaluation
 * @param config the resolved configuration of the run (HOCON)
 */
public record Manifest(int formatVersion, String task, String modelTask, int scale, int jpegQuality, int jpegQualityMax,
                       int colors, int patchSize, String layout, int minibatch, long seed, List<Long> inputShape,
                       List<List<Long>> labelShapes, List<String> storage, Map<String, Long> counts, List<Double> inputChannelMean,
                       String trainDir, String validDir, String inputListSha256, List<String> validPhotos,
                       String config) {
    public static final String FILE = "manifest.json";
    public static final int FORMAT_VERSION = 1;

    /** Reads a manifest.json. */
    public static Manifest parse(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper()
                    .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                    .readValue(json, Manifest.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("Not a prep manifest: " + e.getOriginalMessage(), e);
        }
    }

    /** This manifest as pretty-printed JSON. */
    public String json() {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper()
                    .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(this) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
