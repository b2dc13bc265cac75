package org.taskscale.models;

import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.IUpdater;
import org.taskscale.tasks.Tasks;

/**
 * EDSR (Lim et al. 2017), baseline by default: a 3x3 head, residual blocks (conv, ReLU, conv, times the residual
 * scale, plus input; no batch norm), a 3x3 conv and a global skip, then the pixel-shuffle upsampler (one x2 or x3
 * stage, two x2 stages for x4) and a 3x3 tail; L1 loss. Baseline: 16 blocks, 64 channels, scale 1; the large
 * model is 32 blocks, 256 channels, residual scale 0.1. EDSR's fixed mean shift (subtract the DIV2K RGB mean, add
 * it back) is left out: it is an input normalisation the head's bias absorbs.
 */
final class Edsr extends BaseArchitecture {
    Edsr() {
        super("edsr",
                "EDSR super-resolution x2/x3/x4 (baseline: 16 residual blocks, 64 channels, pixel-shuffle upsampler)",
                Tasks.SR, Set.of(2, 3, 4), 0, 48);
    }

    @Override
    public ComputationGraphConfiguration configure(ModelConfig m, IUpdater updater) {
        int c = m.channelsOr(64);
        NetBuilder b = new NetBuilder(m, updater, m.colors());
        String head = b.conv("head", "in", 3, c, Activation.IDENTITY);
        String x = head;
        for (int i = 0; i < m.blocksOr(16); i++) {
            x = b.resblock("block" + (i + 1), x, c, m.resScale());
        }
        x = b.conv("body_end", x, 3, c, Activation.IDENTITY);
        x = b.add("skip", head, x);
        int[] stages = m.scale() == 4 ? new int[] {2, 2} : new int[] {m.scale()};
        for (int i = 0; i < stages.length; i++) {
            int r = stages[i];
            x = b.conv("up" + (i + 1) + "_conv", x, 3, c * r * r, Activation.IDENTITY);
            x = b.shuffle("up" + (i + 1) + "_shuffle", x, r);
        }
        x = b.conv("tail", x, 3, m.colors(), Activation.IDENTITY);
        b.output("out", x, m.lossOr(task().loss()), 1.0);
        return b.build("out");
    }
}
