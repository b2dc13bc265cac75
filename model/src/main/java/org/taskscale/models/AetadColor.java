package org.taskscale.models;

import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.IUpdater;
import org.taskscale.layers.PixelLoss;
import org.taskscale.tasks.Tasks;

/**
 * TAR's task-aware colorization (AETAD_COLOR): RGB in; an encoder (3x3 convs to 8 and {@code c} channels,
 * residual blocks inside a long skip, 3x3 conv to 1 channel) plus the image's BT.601 luma gives the grey
 * embedding, output {@code grey} with its loss against the plain luma (weight {@code guidance-weight}); it is
 * rounded to 8 bits (straight-through), and a decoder (3x3 conv, blocks inside a long skip, convs to 8 and 3
 * channels) restores the colours, output {@code rgb}. L1 losses, as TAR.
 */
final class AetadColor extends BaseArchitecture {
    AetadColor() {
        super("aetad-color",
                "TAR task-aware colorization: RGB to an 8-bit grey embedding (luma guidance) and back to RGB",
                Tasks.COLOR_EMBED, Set.of(1), 3, 64);
    }

    private static String body(NetBuilder b, String prefix, String in, int c, int blocks) {
        String x = in;
        for (int i = 0; i < blocks; i++) {
            x = b.resblock(prefix + "_block" + (i + 1), x, c, 1.0);
        }
        x = b.conv(prefix + "_conv", x, 3, c, Activation.IDENTITY);
        return b.add(prefix + "_skip", in, x);
    }

    @Override
    public ComputationGraphConfiguration configure(ModelConfig m, IUpdater updater) {
        int c = m.channelsOr(64);
        int blocks = m.blocksOr(3);
        NetBuilder b = new NetBuilder(m, updater, 3);
        PixelLoss.Kind loss = m.lossOr(task().loss());
        String x = b.conv("enc_conv1", "in", 3, 8, Activation.IDENTITY);
        x = b.conv("enc_conv2", x, 3, c, Activation.IDENTITY);
        x = body(b, "enc", x, c, blocks);
        x = b.conv("enc_out", x, 3, 1, Activation.IDENTITY);
        x = b.add("grey_image", b.luminance("luma", "in"), x);
        b.output("grey", x, loss, m.guidanceWeight());
        if (m.quantize()) {
            x = b.quantize("quantize", x);
        }
        x = b.conv("dec_in", x, 3, c, Activation.IDENTITY);
        x = body(b, "dec", x, c, blocks);
        x = b.conv("dec_conv1", x, 3, 8, Activation.IDENTITY);
        x = b.conv("dec_out", x, 3, 3, Activation.IDENTITY);
        b.output("rgb", x, loss, 1.0);
        return b.build("grey", "rgb");
    }
}
