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
 * @param metricsRows rows of metrics.csv written up to this checkpoint (null in checkpoints from before it was
 *                    recorded): a resumed run cuts metrics.csv back to them, so no row is repeated
 */
public record TrainState(int epoch, int fileInEpoch, long iteration, long samples, String configHash, double bestPsnr,
                         List<Validation.Result> validations, Integer metricsRows) {
    public static TrainState start(String configHash) {
        return new TrainState(0, 0, 0, 0, configHash, Double.NaN, new ArrayList<>(), 0);
    }

    public TrainState advanced(int files, long examples) {
        return new TrainState(epoch, fileInEpoch + files, iteration + files, samples + examples, configHash, bestPsnr,
                validations, metricsRows);
    }

    public TrainState nextEpoch() {
        return new TrainState(epoch + 1, 0, iteration, samples, configHash, bestPsnr, validations, metricsRows);
    }

    /** The same state, recording that metrics.csv holds {@code rows} rows when it is saved. */
    public TrainState withMetricsRows(int rows) {
        return new TrainState(epoch, fileInEpoch, iteration, samples, configHash, bestPsnr, validations, rows);
    }

    /**
     * The rows of metrics.csv (without its header) that belong to this state: the first {@link #metricsRows}, or
     * for older checkpoints the rows up to this iteration.
     */
    public List<String> metricsUpTo(List<String> rows) {
        if (metricsRows != null) {
            return new ArrayList<>(rows.subList(0, Math.min(metricsRows, rows.size())));
        }
        List<String> kept = new ArrayList<>();
        for (String r : rows) {
            if (!r.isBlank() && Long.parseLong(r.substring(0, r.indexOf(','))) <= iteration) {
                kept.add(r);
            }
        }
        return kept;
    }

    public TrainState validated(Validation.Result r) {
        List<Validation.Result> v = new ArrayList<>(validations);
        v.add(r);
        double best = Double.isNaN(bestPsnr) || r.psnrY() > bestPsnr ? r.psnrY() : bestPsnr;
        return new TrainState(epoch, fileInEpoch, iteration, samples, configHash, best, v, metricsRows);
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
