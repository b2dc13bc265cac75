package org.taskscale.models;

import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.IUpdater;
import org.taskscale.tasks.Tasks;

/**
 * The seed's JPEG artifact restorer (ARCNN-style), layer for layer: three stages of Conv 3x3, Conv 1x1, PReLU,
 * Conv 3x3, PReLU at 128, 64 and 32 channels, then Conv 1x1 to 16, PReLU, and Conv 5x5 to the image. No
 * activation after the first 3x3 of a stage, one shared PReLU slope each (PyTorch {@code nn.PReLU()}), squared
 * error summed over the minibatch, and the last layer trained at half the learning rate (the seed's optimiser
 * groups). {@code channels} sets the first stage's width (the others halve it). With {@code residual} the
 * JPEG input is added to the last layer's output, so the net learns the correction, not the image: the seed's net
 * starts far from the identity and spends its first thousands of iterations getting back to the JPEG it was given.
 */
final class Arcnn extends BaseArchitecture {
    Arcnn() {
        super("arcnn",
                "the seed's ARCNN-style JPEG artifact restorer (128/64/32 channels, PReLU, last layer at half LR)",
                Tasks.JPEG, Set.of(1), 0, 128);
    }

    @Override
    public ComputationGraphConfiguration configure(ModelConfig m, IUpdater updater) {
        int c = m.channelsOr(128);
        NetBuilder b = new NetBuilder(m, updater, m.colors());
        String x = "in";
        int[] widths = {c, Math.max(1, c / 2), Math.max(1, c / 4)};
        for (int i = 0; i < widths.length; i++) {
            String s = "stage" + (i + 1);
            x = b.conv(s + "_conv3a", x, 3, widths[i], Activation.IDENTITY);
            x = b.conv(s + "_conv1", x, 1, widths[i], Activation.IDENTITY);
            x = b.prelu(s + "_prelu1", x);
            x = b.conv(s + "_conv3b", x, 3, widths[i], Activation.IDENTITY);
            x = b.prelu(s + "_prelu2", x);
        }
        x = b.conv("bottleneck", x, 1, 16, Activation.IDENTITY);
        x = b.prelu("bottleneck_prelu", x);
        x = b.conv("reconstruct", x, 5, m.colors(), Activation.IDENTITY, 1, 1, ScaledLearningRate.scale(updater, 0.5));
        if (m.residual()) {
            x = b.add("residual", "in", x);
        }
        b.output("out", x, m.lossOr(task().loss()), 1.0);
        return b.build("out");
    }
}
