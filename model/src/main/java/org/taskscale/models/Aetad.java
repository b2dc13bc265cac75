package org.taskscale.models;

import java.util.Locale;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.IUpdater;
import org.taskscale.config.ConfigException;
import org.taskscale.layers.PixelLoss;
import org.taskscale.tasks.Tasks;

/**
 * TAD / TAR task-aware rescaling (Kim et al. 2018; Schaefer's TAR): one graph holding the downscaler and the
 * upscaler, trained together. HR in; the downscaler (3x3 convs to {@code c/4} channels, pixel unshuffle, residual
 * blocks inside a long skip, 3x3 conv to 3 channels) gives the LR image, output {@code lr} with its loss against
 * the bicubic LR (weight {@code guidance-weight}); the LR image is rounded to 8 bits (straight-through gradient);
 * the upscaler (3x3 conv, residual blocks inside a long skip, conv to {@code 4c}, pixel shuffle, 3x3 conv) gives
 * output {@code hr} with the reconstruction loss. L1 losses, no activations outside the blocks, as TAR.
 * <ul>
 * <li>{@code aetad-small}: 2 blocks per half (TAR's AETAD_SMALL);</li>
 * <li>{@code aetad-large}: 4 blocks per half (AETAD_LARGE);</li>
 * <li>{@code aetad-skip}: 3 blocks with a second inner skip (AETAD_SKIP), plus bicubic skip connections around
 * both halves: LR = down(HR) + bicubic(HR, 1/s), HR' = up(LR) + bicubic(LR, s) (TAR's LR guidance).</li>
 * </ul>
 * x4 is two x2 stages in each half, applied one after the other as TAR does; TAR reuses one x2 stage's weights
 * twice, here each stage has its own (a DL4J graph cannot share weights), which doubles the parameters.
 */
final class Aetad extends BaseArchitecture {
    enum Variant { SMALL, LARGE, SKIP }

    private final Variant variant;

    Aetad(Variant variant) {
        super("aetad-" + variant.name().toLowerCase(Locale.ROOT), switch (variant) {
            case SMALL -> "TAD/TAR task-aware x2/x4 rescaler, 2 residual blocks per half (LR and HR outputs)";
            case LARGE -> "TAD/TAR task-aware x2/x4 rescaler, 4 residual blocks per half (LR and HR outputs)";
            case SKIP -> "TAR task-aware x2/x4 rescaler with bicubic skips around both halves (TAR's best)";
        }, Tasks.RESCALE, Set.of(2, 4), 3, 96);
        this.variant = variant;
    }

    private int blocks(ModelConfig m) {
        return m.blocksOr(switch (variant) {
            case SMALL -> 2;
            case LARGE -> 4;
            case SKIP -> 3;
        });
    }

    /** Residual blocks with TAR's skips: one long skip, and for SKIP a second one after all but the last block. */
    private String body(NetBuilder b, String prefix, String in, int c, int blocks) {
        String outer = in;
        String x = in;
        for (int i = 0; i < blocks; i++) {
            if (variant == Variant.SKIP && i == blocks - 1 && blocks > 1) {
                x = b.add(prefix + "_inner_skip", outer, x);
                outer = x;
            }
            x = b.resblock(prefix + "_block" + (i + 1), x, c, 1.0);
        }
        x = b.conv(prefix + "_conv", x, 3, c, Activation.IDENTITY);
        return b.add(prefix + "_skip", outer, x);
    }

    private String down(NetBuilder b, String prefix, String in, int c, int blocks) {
        String x = b.conv(prefix + "_conv1", in, 3, Math.max(1, c / 8), Activation.IDENTITY);
        x = b.conv(prefix + "_conv2", x, 3, c / 4, Activation.IDENTITY);
        x = b.unshuffle(prefix + "_unshuffle", x, 2);
        x = body(b, prefix, x, c, blocks);
        return b.conv(prefix + "_out", x, 3, 3, Activation.IDENTITY);
    }

    private String up(NetBuilder b, String prefix, String in, int c, int blocks) {
        String x = b.conv(prefix + "_in", in, 3, c, Activation.IDENTITY);
        x = body(b, prefix, x, c, blocks);
        x = b.conv(prefix + "_expand", x, 3, 4 * c, Activation.IDENTITY);
        x = b.shuffle(prefix + "_shuffle", x, 2);
        return b.conv(prefix + "_out", x, 3, 3, Activation.IDENTITY);
    }

    @Override
    public ComputationGraphConfiguration configure(ModelConfig m, IUpdater updater) {
        int c = m.channelsOr(64);
        if (c % 4 != 0) {
            throw new ConfigException(ModelConfig.PATH + ".channels must be a multiple of 4 for " + name()
                    + " (the pixel unshuffle makes them from c/4), not " + c + ".");
        }
        int blocks = blocks(m);
        int stages = m.scale() == 4 ? 2 : 1;
        NetBuilder b = new NetBuilder(m, updater, 3);
        PixelLoss.Kind loss = m.lossOr(task().loss());
        String x = "in";
        for (int i = 1; i <= stages; i++) {
            x = down(b, "down" + i, x, c, blocks);
        }
        if (variant == Variant.SKIP) {
            x = b.add("lr_image", b.bicubic("down_bicubic", "in", 1.0 / m.scale()), x);
        }
        b.output("lr", x, loss, m.guidanceWeight());
        if (m.quantize()) {
            x = b.quantize("quantize", x);
        }
        x = b.lrJpeg("lr_jpeg", x);
        String lr = x;
        for (int i = 1; i <= stages; i++) {
            x = up(b, "up" + i, x, c, blocks);
        }
        if (variant == Variant.SKIP) {
            x = b.add("hr_image", b.bicubic("up_bicubic", lr, m.scale()), x);
        }
        b.output("hr", x, loss, 1.0);
        return b.build("lr", "hr");
    }
}
