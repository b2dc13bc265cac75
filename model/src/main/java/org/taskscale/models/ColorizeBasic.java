package org.taskscale.models;

import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.IUpdater;
import org.taskscale.tasks.Tasks;

/**
 * The basic colorization net, regression in Lab: L/100 in, (a, b)/110 out. A small encoder-decoder: two
 * stride-2 3x3 convolutions down to 1/4 size with the channels doubling ({@code c}, 2c, 4c), two 4x4 stride-2
 * transposed convolutions back up, ReLU throughout, a linear 3x3 output; mean squared error. Patch sides must be
 * multiples of 4.
 */
final class ColorizeBasic extends BaseArchitecture {
    ColorizeBasic() {
        super("colorize-basic",
                "basic colorization: L in, ab out, a 10-layer encoder-decoder regressing in Lab (MSE)",
                Tasks.COLORIZE, Set.of(1), 1, 64);
    }

    @Override
    public ComputationGraphConfiguration configure(ModelConfig m, IUpdater updater) {
        int c = m.channelsOr(64);
        NetBuilder b = new NetBuilder(m, updater, 1);
        String x = b.conv("conv1", "in", 3, c, Activation.RELU);
        x = b.conv("down1", x, 3, c, Activation.RELU, 2, 1, null);
        x = b.conv("conv2", x, 3, 2 * c, Activation.RELU);
        x = b.conv("down2", x, 3, 2 * c, Activation.RELU, 2, 1, null);
        x = b.conv("conv3", x, 3, 4 * c, Activation.RELU);
        x = b.conv("conv4", x, 3, 2 * c, Activation.RELU);
        x = b.up2("up1", x, c, Activation.RELU);
        x = b.conv("conv5", x, 3, c, Activation.RELU);
        x = b.up2("up2", x, Math.max(1, c / 2), Activation.RELU);
        x = b.conv("ab", x, 3, 2, Activation.IDENTITY);
        b.output("out", x, m.lossOr(task().loss()), 1.0);
        return b.build("out");
    }
}
