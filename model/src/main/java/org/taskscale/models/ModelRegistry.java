package org.taskscale.models;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.taskscale.config.ConfigException;

/**
 * Every architecture by its registered name, the contract experiment files use ({@code taskscale.model.name}).
 * Adding one is a class implementing {@link Architecture} and a line here.
 */
public final class ModelRegistry {
    private static final Map<String, Architecture> ARCHITECTURES = new LinkedHashMap<>();

    static {
        register(new Srcnn(1));
        register(new Srcnn(5));
        register(new Arcnn());
        register(new Edsr());
        register(new Aetad(Aetad.Variant.SMALL));
        register(new Aetad(Aetad.Variant.LARGE));
        register(new Aetad(Aetad.Variant.SKIP));
        register(new ColorizeBasic());
        register(new ColorizeLarge());
        register(new AetadColor());
        register(new Car());
        // car: its own issue (kernel-generation net + content-adaptive resampler + EDSR-style upscaler)
    }

    private ModelRegistry() {}

    private static void register(Architecture a) {
        if (ARCHITECTURES.putIfAbsent(a.name(), a) != null) {
            throw new IllegalStateException("Two architectures are registered as '" + a.name() + "'.");
        }
    }

    /** Registered names, in registration order. */
    public static List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(ARCHITECTURES.keySet()));
    }

    /** The architecture registered as {@code name}; an unknown name fails with the list of valid ones. */
    public static Architecture get(String name) {
        Architecture a = ARCHITECTURES.get(name);
        if (a == null) {
            throw new ConfigException("Unknown model '" + name + "' (" + ModelConfig.PATH + ".name); registered models: "
                    + String.join(", ", ARCHITECTURES.keySet()) + ".");
        }
        return a;
    }

    /** The graph configuration of {@code m}, after checking its scale against the architecture. */
    public static ComputationGraphConfiguration configure(ModelConfig m, IUpdater updater) {
        Architecture a = get(m.name());
        if (!a.scales().contains(m.scale()) && !(a.scales().equals(java.util.Set.of(1)))) {
            throw new ConfigException(m.name() + " supports scales " + a.scales() + ", not " + m.scale() + " ("
                    + ModelConfig.PATH + ".scale).");
        }
        return a.configure(m, updater);
    }

    /** The initialised network of {@code m}: the same seed gives the same weights. */
    public static ComputationGraph build(ModelConfig m, IUpdater updater) {
        return build(m, updater, java.util.Map.of());
    }

    /**
     * The initialised network of {@code m} with some layers' learning rates multiplied (layer name -> factor, on
     * top of the architecture's own, such as arcnn's half-rate last layer). An unknown layer name fails.
     */
    public static ComputationGraph build(ModelConfig m, IUpdater updater, java.util.Map<String, Double> lrMultipliers) {
        ComputationGraphConfiguration conf = configure(m, updater);
        for (java.util.Map.Entry<String, Double> e : lrMultipliers.entrySet()) {
            if (!(conf.getVertices().get(e.getKey()) instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv)
                    || !(lv.getLayerConf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BaseLayer layer)) {
                throw new ConfigException("lr-multipliers: " + m.name() + " has no trainable layer '" + e.getKey()
                        + "'; its layers: " + String.join(", ", conf.getVertices().entrySet().stream()
                        .filter(v -> v.getValue() instanceof org.deeplearning4j.nn.conf.graph.LayerVertex x
                                && x.getLayerConf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BaseLayer)
                        .map(java.util.Map.Entry::getKey).sorted().toList()) + ".");
            }
            if (!(e.getValue() >= 0) || Double.isInfinite(e.getValue())) {
                throw new ConfigException("lr-multipliers." + e.getKey() + " must be 0 (frozen) or positive, not "
                        + e.getValue() + ".");
            }
            IUpdater own = layer.getIUpdater() != null ? layer.getIUpdater() : updater;
            layer.setIUpdater(ScaledLearningRate.scale(own, e.getValue()));
        }
        ComputationGraph g = new ComputationGraph(conf);
        return TorchInit.withSeed(m.seed(), () -> {
            g.init();
            return g;
        });
    }

    /** The initialised network of {@code m} with Adam at 1e-4 (benchmarks, tests, parameter counts). */
    public static ComputationGraph build(ModelConfig m) {
        return build(m, new Adam(1e-4));
    }
}
