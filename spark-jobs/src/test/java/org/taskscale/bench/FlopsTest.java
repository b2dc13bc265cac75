package org.taskscale.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.Test;

/** The FLOPs bench train divides by its time, against counts worked out by hand from each network's layers. */
class FlopsTest {
    private static Flops.Count training(String arch, int batch, int patch, int channels) {
        PeerNets.Spec s = PeerNets.build(arch, batch, patch, CNN2DFormat.NHWC);
        return Flops.training(s.net().getConfiguration(), batch,
                InputType.convolutional(patch, patch, channels, CNN2DFormat.NHWC));
    }

    @Test
    void srcnnCountsEachConvolutionsMultiplyAddsTwiceForwardWeightAndInputGradientAndNoInputGradientForTheFirst() {
        // 9x9 1->64, 1x1 64->32, 5x5 32->1, all 'same' on 33x33: multiply-adds per sample
        long px = 33 * 33;
        long c1 = px * 64 * 81;
        long c2 = px * 32 * 64;
        long c3 = px * 32 * 25;
        Flops.Count n = training("srcnn", 16, 33, 1);
        assertEquals(16.0 * 2 * (2 * c1 + 3 * c2 + 3 * c3), n.convolution(), 0.0);
        assertEquals(0.0, n.other(), 0.0);
        PeerNets.Spec s = PeerNets.build("srcnn", 1, 33, CNN2DFormat.NHWC);
        assertEquals(2.0 * (c1 + c2 + c3), Flops.inference(s.net().getConfiguration(), 1,
                InputType.convolutional(33, 33, 1, CNN2DFormat.NHWC)).convolution(), 0.0);
    }

    @Test
    void carCountsItsResamplerPerLrPixelChannelAndTapAndBicubicSkipsTheirMatrixProducts() {
        // x2: 3s + 1 = 7 taps a side; 10 FLOPs per tap, channel and LR pixel forward, 3x in training
        int patch = 64;
        Flops.Count car = training("car", 2, patch, 3);
        double resampler = 3.0 * 10 * 2 * (patch / 2) * (patch / 2) * 3 * 7 * 7;
        assertTrue(car.other() >= resampler, car.other() + " < " + resampler);
        assertTrue(car.convolution() > 0);
        // aetad-skip adds the bicubic x2 upscaling of its LR image: along the width [H*C, W] x [W, 2W], then
        // along the height [2H, H] x [H, 2W] per plane, forward and (transposed) backward
        Flops.Count skip = training("aetad-skip", 2, patch, 3);
        long h = patch / 2;
        double bicubic = 2 * 2.0 * 2 * 3 * (h * h * 2 * h + 2 * h * h * 2 * h);
        assertTrue(skip.other() >= bicubic, skip.other() + " < " + bicubic);
        assertEquals(0.0, training("edsr", 2, 48, 3).other(), 0.0);
    }
}
