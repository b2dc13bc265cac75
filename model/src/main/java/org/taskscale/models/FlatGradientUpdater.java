package org.taskscale.models;

import java.util.Map;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's graph updater, on its standard path. DL4J 1.0.0-M2.1 tells a network's own gradient from an
 * "external" one (computed in another network) by object identity, but {@code DefaultGradient.gradient()} returns
 * a fresh reshaped view on every call, so every update takes the external path: several new array views per
 * parameter and step (about 600 per EDSR iteration), each with a native shape buffer that only the garbage
 * collector frees. This updater hands DL4J the network's own gradient view whenever the gradient is that very
 * memory, so DL4J uses the views it made once. The arithmetic is DL4J's in both paths; the parameters after each
 * step are identical (tested).
 */
public final class FlatGradientUpdater extends ComputationGraphUpdater {
    private boolean lastInPlace;

    private FlatGradientUpdater(ComputationGraph net, INDArray state) {
        super(net, state);
    }

    /** Replaces {@code net}'s updater with this one, keeping its state (Adam's moments, for a resumed run). */
    public static ComputationGraph install(ComputationGraph net) {
        if (!(net.getUpdater() instanceof FlatGradientUpdater)) {
            net.setUpdater(new FlatGradientUpdater(net, net.getUpdater().getStateViewArray()));
        }
        return net;
    }

    @Override
    public synchronized void update(Gradient gradient, int iteration, int epoch, int batchSize, LayerWorkspaceMgr mgr) {
        INDArray view = getFlattenedGradientsView();
        INDArray flat = gradient.gradient();
        lastInPlace = flat != view && sameMemory(flat, view);
        if (lastInPlace) {
            DefaultGradient own = new DefaultGradient(view) {
                @Override
                public INDArray gradient() {
                    return view;
                }
            };
            for (Map.Entry<String, INDArray> e : gradient.gradientForVariable().entrySet()) {
                own.setGradientFor(e.getKey(), e.getValue(), gradient.flatteningOrderForVariable(e.getKey()));
            }
            gradient = own;
        }
        super.update(gradient, iteration, epoch, batchSize, mgr);
    }

    /** Whether the last update was recognised as the network's own gradient (for tests). */
    boolean lastUpdateWasInPlace() {
        return lastInPlace;
    }

    private static boolean sameMemory(INDArray a, INDArray b) {
        return a.length() == b.length() && a.dataType() == b.dataType() && a.elementWiseStride() == 1
                && b.elementWiseStride() == 1
                && a.data().address() + a.offset() * a.dataType().width()
                        == b.data().address() + b.offset() * b.dataType().width();
    }
}
