package org.taskscale.models;

import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.IUpdater;
import org.taskscale.tasks.Tasks;

/**
 * A deeper colorization net after Zhang, Isola and Efros (ECCV 2016): eight blocks of 3x3 convolutions with
 * ReLU, 2-3 convolutions each, widths c, 2c, 4c, 8c, 8c, 8c, 8c, 4c (c = 64: the paper's 64..512); blocks 1-3 end
 * in a stride-2 convolution (1/8 size), blocks 5 and 6 are dilated by 2, blocks 1-7 end in batch normalisation,
 * block 8 starts with a 4x4 stride-2 transposed convolution (1/4 size); 23 convolutions in all. Departures from the paper: regression of (a, b)/110
 * by a 1x1 convolution with mean squared error instead of a softmax over 313 quantised ab bins with rebalanced
 * cross-entropy and annealed-mean decoding (so colours are less vivid, the known cost of regression); the 1/4-size ab map is brought to full size by a fixed bicubic x4 inside the graph (the paper
 * upsamples its output bilinearly). Patch sides must be multiples of 8.
 */
final class ColorizeLarge extends BaseArchitecture {
    ColorizeLarge() {
        super("colorize-large",
                "deeper colorization after Zhang et al. (23 convs, dilated middle), Lab regression (MSE)",
                Tasks.COLORIZE, Set.of(1), 1, 64);
    }

    @Override
    public ComputationGraphConfiguration configure(ModelConfig m, IUpdater updater) {
        int c = m.channelsOr(64);
        NetBuilder b = new NetBuilder(m, updater, 1);
        // {convolutions, width multiple, dilation, stride of the last conv}
        int[][] blocks = {{2, 1, 1, 2}, {2, 2, 1, 2}, {3, 4, 1, 2}, {3, 8, 1, 1}, {3, 8, 2, 1}, {3, 8, 2, 1}, {3, 8, 1, 1}};
        String x = "in";
        for (int i = 0; i < blocks.length; i++) {
            int[] s = blocks[i];
            for (int j = 0; j < s[0]; j++) {
                int stride = j == s[0] - 1 ? s[3] : 1;
                x = b.conv("block" + (i + 1) + "_conv" + (j + 1), x, 3, s[1] * c, Activation.RELU, stride, s[2], null);
            }
            x = b.batchNorm("block" + (i + 1) + "_bn", x);
        }
        x = b.up2("block8_up", x, 4 * c, Activation.RELU);
        x = b.conv("block8_conv1", x, 3, 4 * c, Activation.RELU);
        x = b.conv("block8_conv2", x, 3, 4 * c, Activation.RELU);
        x = b.conv("ab_quarter", x, 1, 2, Activation.IDENTITY);
        x = b.bicubic("ab", x, 4.0);
        b.output("out", x, m.lossOr(task().loss()), 1.0);
        return b.build("out");
    }
}
