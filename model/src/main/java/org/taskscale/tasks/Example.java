package org.taskscale.tasks;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.taskscale.data.Examples;
import org.taskscale.data.Planes;

/** One training or evaluation example of a task: the network input and one label per graph output. */
public record Example(Planes input, List<Planes> labels) {
    /** The inputs of {@code examples} as one batch. */
    public static INDArray inputs(List<Example> examples, CNN2DFormat layout) {
        return Examples.batch(examples.stream().map(Example::input).toList(), layout);
    }

    /** The labels of {@code examples}, one batch per graph output. */
    public static INDArray[] labels(List<Example> examples, CNN2DFormat layout) {
        INDArray[] out = new INDArray[examples.get(0).labels().size()];
        for (int k = 0; k < out.length; k++) {
            List<Planes> ps = new ArrayList<>();
            for (Example e : examples) {
                ps.add(e.labels().get(k));
            }
            out[k] = Examples.batch(ps, layout);
        }
        return out;
    }
}
