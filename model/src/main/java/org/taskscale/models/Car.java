package org.taskscale.models;

import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.learning.config.IUpdater;
import org.taskscale.layers.PixelLoss;
import org.taskscale.tasks.Tasks;

/**
 * CAR (Sun and Chen, "Learned Image Downscaling for Upscaling using Content Adaptive Resampler", TIP 2020): a
 * kernel-generation network reads the HR image at 1/8 resolution and predicts, for every LR pixel, the weights of a
 * {@code k x k} grid of taps ({@code k = 3s + 1}, softmax-normalised) and their sub-pixel offsets (tanh, in units
 * of {@code s} HR pixels); the {@link org.taskscale.layers.AdaptiveResample} resampler applies them to the HR image
 * (output {@code lr}, the preview: CAR trains it with no loss of its own, weight 0 here); the LR image is rounded to
 * 8 bits (straight-through) and an EDSR upscaler reconstructs the HR image (output {@code hr}, L1). The offset
 * regularisers (mean |offset| and the offsets' total variation, weights 1e-3 each, our reading of the paper) act
 * in the resampler's backward pass.
 *
 * <p>Kernel net as the reference's DSN: 5x5 conv (c) and LeakyReLU(0.2); two pixel-unshuffle + 1x1 conv steps
 * (2c); {@code blocks} residual blocks (3x3, LeakyReLU) inside a skip; pixel-unshuffle + 1x1 conv (4c); then a
 * kernel trunk and an offset trunk (three 3x3 conv + ReLU, 1x1 conv + pixel shuffle back to 1/s, 3x3 conv + ReLU)
 * each with its head (3x3 conv + ReLU, 3x3 conv). Sizes: {@code channels} c (paper 64) and {@code blocks} (paper
 * 5) for the kernel net; the upscaler is EDSR with 2c channels and 2 x blocks residual blocks (paper: EDSR with
 * 256 channels and 32 blocks). Departures: zero 'same' padding instead of reflection, no mean shift, one offset
 * head of 2k^2 channels for both directions, softmax instead of clamp-and-divide. HR sides must be multiples of 8.
 * With {@code residual} the upscaler's output is added to the bicubic upscaling of the LR image (as aetad-skip's
 * is), so that it learns the correction: the paper's upscaler learns the whole image, which short runs of a
 * small CAR do not get far enough into to beat bicubic.
 */
final class Car extends BaseArchitecture {
    static final double OFFSET_L1 = 1e-3;
    static final double OFFSET_TV = 1e-3;

    Car() {
        super("car", "CAR: content-adaptive resampler (kernel net + adaptive sampling) with an EDSR upscaler, x2/x4",
                Tasks.RESCALE, Set.of(2, 4), 3, 96);
    }

    /** CAR's kernel size for {@code scale}. */
    static int kernel(int scale) {
        return 3 * scale + 1;
    }

    private static String trunk(NetBuilder b, String prefix, String in, int w, int scale) {
        String x = in;
        for (int i = 1; i <= 3; i++) {
            x = b.conv(prefix + "_conv" + i, x, 3, w, Activation.RELU);
        }
        int r = 8 / scale;
        x = b.conv(prefix + "_expand", x, 1, w * r * r, Activation.IDENTITY);
        x = b.shuffle(prefix + "_shuffle", x, r);
        return b.conv(prefix + "_conv4", x, 3, w, Activation.RELU);
    }

    @Override
    public ComputationGraphConfiguration configure(ModelConfig m, IUpdater updater) {
        int c = m.channelsOr(64);
        int blocks = m.blocksOr(5);
        int s = m.scale();
        int k = kernel(s);
        NetBuilder b = new NetBuilder(m, updater, 3);
        ActivationLReLU leaky = new ActivationLReLU(0.2);
        String x = b.conv("kgn_conv1", "in", 5, c, leaky);
        x = b.conv("kgn_down2", b.unshuffle("kgn_unshuffle2", x, 2), 1, 2 * c, Activation.IDENTITY);
        x = b.conv("kgn_down4", b.unshuffle("kgn_unshuffle4", x, 2), 1, 2 * c, Activation.IDENTITY);
        String res = x;
        for (int i = 1; i <= blocks; i++) {
            String a = b.conv("kgn_block" + i + "_conv1", res, 3, 2 * c, leaky);
            a = b.conv("kgn_block" + i + "_conv2", a, 3, 2 * c, Activation.IDENTITY);
            res = b.add("kgn_block" + i, res, a);
        }
        x = b.add("kgn_skip", x, res);
        x = b.conv("kgn_down8", b.unshuffle("kgn_unshuffle8", x, 2), 1, 4 * c, Activation.IDENTITY);
        String kt = trunk(b, "kernels", x, 4 * c, s);
        String logits = b.conv("kernels_head2", b.conv("kernels_head1", kt, 3, 4 * c, Activation.RELU), 3, k * k,
                Activation.IDENTITY);
        String ot = trunk(b, "offsets", x, 4 * c, s);
        String offsets = b.conv("offsets_head2", b.conv("offsets_head1", ot, 3, 4 * c, Activation.RELU), 3, 2 * k * k,
                Activation.TANH);
        String lr = b.resample("resample", "in", logits, offsets, k, s, OFFSET_L1, OFFSET_TV);
        PixelLoss.Kind loss = m.lossOr(task().loss());
        b.output("lr", lr, loss, 0.0);
        String q = b.lrJpeg("lr_jpeg", m.quantize() ? b.quantize("quantize", lr) : lr);
        // the upscaler: EDSR
        int e = 2 * c;
        String head = b.conv("up_head", q, 3, e, Activation.IDENTITY);
        String y = head;
        for (int i = 1; i <= 2 * blocks; i++) {
            y = b.resblock("up_block" + i, y, e, m.resScale());
        }
        y = b.add("up_skip", head, b.conv("up_body_end", y, 3, e, Activation.IDENTITY));
        int[] stages = s == 4 ? new int[] {2, 2} : new int[] {s};
        for (int i = 0; i < stages.length; i++) {
            y = b.conv("up" + (i + 1) + "_conv", y, 3, e * stages[i] * stages[i], Activation.IDENTITY);
            y = b.shuffle("up" + (i + 1) + "_shuffle", y, stages[i]);
        }
        y = b.conv("up_tail", y, 3, 3, Activation.IDENTITY);
        if (m.residual()) {
            y = b.add("hr_image", b.bicubic("up_bicubic", q, s), y);
        }
        b.output("hr", y, loss, 1.0);
        return b.build("lr", "hr");
    }
}
