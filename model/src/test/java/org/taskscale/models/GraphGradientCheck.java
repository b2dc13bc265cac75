package org.taskscale.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

/**
 * Central finite differences against a graph's backprop gradient, on an evenly spread subset of each parameter
 * array (DL4J's GradientCheckUtil checks every parameter of a ComputationGraph, its subset option works for
 * MultiLayerNetwork only: minutes for a 23-layer net). Same conventions: double precision, a NoOp updater
 * (which divides by the minibatch size, as training does), scores in training mode.
 */
final class GraphGradientCheck {
    private GraphGradientCheck() {}

    /** The failures, as readable lines (empty when the check passes). */
    static List<String> failures(ComputationGraph g, INDArray[] inputs, INDArray[] labels, int perParam,
                                 Predicate<String> skip) {
        double eps = 1e-6;
        double maxRel = 1e-4;
        double minAbs = 1e-8;
        MultiDataSet mds = new MultiDataSet(inputs, labels);
        g.setInputs(inputs);
        g.setLabels(labels);
        g.computeGradientAndScore();
        Gradient grad = g.gradient();
        new ComputationGraphUpdater(g).update(grad, 0, 0, (int) inputs[0].size(0), LayerWorkspaceMgr.noWorkspaces());
        INDArray analytic = grad.gradient().dup();
        INDArray params = g.params();
        List<String> failures = new ArrayList<>();
        long start = 0;
        for (Map.Entry<String, INDArray> e : g.paramTable().entrySet()) {
            long len = e.getValue().length();
            if (!skip.test(e.getKey())) {
                long step = Math.max(1, len / perParam);
                for (long i = start; i < start + len; i += step) {
                    double orig = params.getDouble(i);
                    params.putScalar(i, orig + eps);
                    double plus = g.score(mds, true);
                    params.putScalar(i, orig - eps);
                    double minus = g.score(mds, true);
                    params.putScalar(i, orig);
                    double numeric = (plus - minus) / (2 * eps);
                    double a = analytic.getDouble(i);
                    double diff = Math.abs(a - numeric);
                    double rel = diff == 0 ? 0 : diff / (Math.abs(a) + Math.abs(numeric));
                    if (rel > maxRel && diff > minAbs) {
                        failures.add(e.getKey() + "[" + (i - start) + "]: backprop " + a + ", numeric " + numeric
                                + ", relative error " + rel);
                    }
                }
            }
            start += len;
        }
        return failures;
    }
}
