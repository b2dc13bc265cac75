package org.taskscale.train;

import java.util.Arrays;
import java.util.Objects;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** {@code train --load}: a saved network's weights put into the configured network. */
final class WeightTransfer {
    private WeightTransfer() {}

    /**
     * Copies a loaded model's parameters (and its updater state where that has the same layout) into the configured
     * network when both have the same parameters, name by name and shape by shape. That lets {@code --load} fine-tune
     * a model under another configuration that adds no parameters: a robust rescaler (taskscale.model.lr-jpeg) from
     * a plain one, say. Returns false, copying nothing, when the tables differ.
     */
    static boolean into(ComputationGraph from, ComputationGraph to) {
        var a = from.paramTable();
        var b = to.paramTable();
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (var e : a.entrySet()) {
            if (!Arrays.equals(e.getValue().shape(), b.get(e.getKey()).shape())) {
                return false;
            }
        }
        to.params().assign(from.params());
        var src = from.getUpdater() == null ? null : from.getUpdater().getStateViewArray();
        var dst = to.getUpdater() == null ? null : to.getUpdater().getStateViewArray();
        if (src != null && dst != null && src.length() == dst.length() && sameUpdaters(from, to)) {
            dst.assign(src);
        }
        return true;
    }

    /**
     * Whether every layer of both networks has an equal updater configuration, so that their updater state arrays
     * have the same layout: a per-layer learning-rate multiplier splits the updater into other blocks, and Adam's
     * moments copied across blocks put first moments where second moments belong (negative: NaN at once).
     */
    private static boolean sameUpdaters(ComputationGraph a, ComputationGraph b) {
        for (Layer l : a.getLayers()) {
            Layer o = b.getLayer(l.conf().getLayer().getLayerName());
            if (o == null || !(l.conf().getLayer() instanceof BaseLayer x)
                    || !(o.conf().getLayer() instanceof BaseLayer y)) {
                continue;
            }
            if (!Objects.equals(x.getIUpdater(), y.getIUpdater())) {
                return false;
            }
        }
        return true;
    }
}
