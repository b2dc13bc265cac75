package org.taskscale.models;

import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.IUpdater;
import org.taskscale.tasks.Tasks;

/**
 * SRCNN (Dong et al. 2014/2016): patch extraction 9x9, non-linear mapping 1x1 ({@code srcnn}, 9-1-5) or 5x5
 * ({@code srcnn-955}), reconstruction 5x5; 64 and 32 channels; ReLU; MSE. The input is the LR image upsampled
 * to HR size by bicubic interpolation, as in the paper; on Y (colors = 1, the paper's setting) or RGB. One change:
 * 'same' padding keeps the output the input's size, where the paper's valid convolutions shrink it by 12 pixels.
 */
final class Srcnn extends BaseArchitecture {
    private final int mapping;

    /** {@code mapping}: the middle kernel, 1 (9-1-5) or 5 (9-5-5). */
    Srcnn(int mapping) {
        super(mapping == 1 ? "srcnn" : "srcnn-955", "SRCNN 9-" + mapping + "-5 super-resolution (64/32 channels) on the"
                + " bicubic-upsampled image, Y or RGB", Tasks.SR_UPSAMPLED, Set.of(2, 3, 4), 0, 33);
        this.mapping = mapping;
    }

    @Override
    public ComputationGraphConfiguration configure(ModelConfig m, IUpdater updater) {
        int n1 = m.channelsOr(64);
        NetBuilder b = new NetBuilder(m, updater, m.colors());
        String x = b.conv("extract", "in", 9, n1, Activation.RELU);
        x = b.conv("map", x, mapping, Math.max(1, n1 / 2), Activation.RELU);
        x = b.conv("reconstruct", x, 5, m.colors(), Activation.IDENTITY);
        b.output("out", x, m.lossOr(task().loss()), 1.0);
        return b.build("out");
    }
}
