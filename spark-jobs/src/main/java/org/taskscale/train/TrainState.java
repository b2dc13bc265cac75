package org.taskscale.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Where training stands, saved beside each checkpoint's model: enough to continue exactly (epoch, position in
 * the epoch's file order, iteration) and to keep the best model.
 *
 * @param epoch the epoch in progress (0-based)
 * @param fileInEpoch batch files of that epoch already trained
 * @param iteration minibatches trained in all
 * @param samples examples trained in all
 * @param configHash hash of the resolved configuration's model and data blocks
 * @param bestPsnr best validation PSNR-Y so far (NaN if none)
 * @param validations every validation so far
 */
public record TrainState(int epoch, int fileInEpoch, long iteration, long samples, String configHash, double bestPsnr,
                         List<Validation.Result> validations) {
    public static TrainState start(String configHash) {
        return new TrainState(0, 0, 0, 0, configHash, Double.NaN, new ArrayList<>());
    }

    public TrainState advanced(int files, long examples) {
        return new TrainState(epoch, fileInEpoch + files, iteration + files, samples + examples, configHash, bestPsnr,
                validations);
    }

    public TrainState nextEpoch() {
        return new TrainState(epoch + 1, 0, iteration, samples, configHash, bestPsnr, validations);
    }

    public TrainState validated(Validation.Result r) {
        List<Validation.Result> v = new ArrayList<>(validations);
        v.add(r);
        double best = Double.isNaN(bestPsnr) || r.psnrY() > bestPsnr ? r.psnrY() : bestPsnr;
        return new TrainState(epoch, fileInEpoch, iteration, samples, configHash, best, v);
    }

    public String json() {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper()
                    .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(this) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TrainState parse(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper()
                    .configure(com.fasterxml.jackson.core.JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS, true)
                    .readValue(json, TrainState.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("Not a training state: " + e.getOriginalMessage(), e);
        }
    }
}
