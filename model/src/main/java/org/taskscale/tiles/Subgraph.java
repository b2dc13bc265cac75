package org.taskscale.tiles;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A part of a trained graph as a graph of its own, sharing nothing with it: the vertices between one vertex
 * (or the input) and one output, with that vertex's activations as the new input {@code in} and the weights
 * copied. This is how a rescaler's upscaler runs on a stored LR image and its downscaler without the upscaler.
 */
public final class Subgraph {
    private Subgraph() {}

    /**
     * The graph computing {@code to} from the activations of {@code from} (a vertex or the network input).
     * Fails with a sentence when {@code to} also depends on something that does not pass through {@code from}.
     */
    public static ComputationGraph between(ComputationGraph net, String from, String to) {
        ComputationGraphConfiguration src = net.getConfiguration();
        Map<String, List<String>> inputs = src.getVertexInputs();
        boolean fromInput = src.getNetworkInputs().contains(from);
        if (!fromInput && !src.getVertices().containsKey(from)) {
            throw new IllegalArgumentException("The graph has no vertex '" + from + "'.");
        }
        if (!src.getVertices().containsKey(to)) {
            throw new IllegalArgumentException("The graph has no vertex '" + to + "'.");
        }
        // the ancestors of `to`, stopping at `from`
        Set<String> kept = new HashSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>(List.of(to));
        while (!todo.isEmpty()) {
            String v = todo.pop();
            if (v.equals(from) || !kept.add(v)) {
                continue;
            }
            for (String in : inputs.getOrDefault(v, List.of())) {
                if (src.getNetworkInputs().contains(in) && !in.equals(from)) {
                    throw new IllegalArgumentException("'" + to + "' depends on the network input '" + in
                            + "' other than through '" + from + "' (via '" + v + "'): it cannot run from '" + from + "' alone.");
                }
                if (!src.getNetworkInputs().contains(in)) {
                    todo.push(in);
                }
            }
        }
        ComputationGraphConfiguration conf = src.clone();
        Map<String, org.deeplearning4j.nn.conf.graph.GraphVertex> vertices = new LinkedHashMap<>();
        Map<String, List<String>> vertexInputs = new LinkedHashMap<>();
        for (var e : src.getVertices().entrySet()) {
            if (kept.contains(e.getKey())) {
                vertices.put(e.getKey(), conf.getVertices().get(e.getKey()));
                List<String> ins = new ArrayList<>();
                for (String in : inputs.get(e.getKey())) {
                    ins.add(in.equals(from) ? "in" : in);
                }
                vertexInputs.put(e.getKey(), ins);
            }
        }
        conf.setVertices(vertices);
        conf.setVertexInputs(vertexInputs);
        conf.setNetworkInputs(List.of("in"));
        conf.setNetworkOutputs(List.of(to));
        conf.setTopologicalOrder(null);
        conf.setTopologicalOrderStr(null);
        ComputationGraph sub = new ComputationGraph(conf);
        sub.init();
        for (String name : kept) {
            if (net.getVertex(name).hasLayer() && net.getLayer(name).numParams() > 0) {
                Map<String, INDArray> dst = sub.getLayer(name).paramTable();
                for (var p : net.getLayer(name).paramTable().entrySet()) {
                    dst.get(p.getKey()).assign(p.getValue());
                }
            }
        }
        return sub;
    }

    /** The vertex feeding output {@code output} (a loss layer's input: the image it scores). */
    public static String feeding(ComputationGraph net, String output) {
        List<String> in = net.getConfiguration().getVertexInputs().get(output);
        if (in == null || in.size() != 1) {
            throw new IllegalArgumentException("The graph has no single-input output '" + output + "'.");
        }
        return in.get(0);
    }
}
