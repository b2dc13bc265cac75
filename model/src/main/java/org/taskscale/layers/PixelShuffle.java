package org.taskscale.layers;

import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * Depth to space in PyTorch's {@code pixel_shuffle} channel order: {@code [N, C r^2, H, W] -> [N, C, H r, W r]},
 * output {@code (c, h r + i, w r + j)} = input {@code (c r^2 + i r + j, h, w)}. (libnd4j's
 * {@code depth_to_space} uses TensorFlow's order, which differs by a channel permutation.)
 */
public class PixelShuffle extends ShuffleLayer {
    public PixelShuffle() {}

    protected PixelShuffle(Builder b) {
        super(b);
    }

    @Override
    protected boolean upsamples() {
        return true;
    }

    @Override
    protected InputType.InputTypeConvolutional outputType(InputType.InputTypeConvolutional in) {
        long r2 = (long) factor * factor;
        if (in.getChannels() % r2 != 0) {
            throw new IllegalStateException("PixelShuffle(" + factor + ") layer '" + getLayerName() + "' needs channels"
                    + " divisible by " + r2 + ", got " + in.getChannels() + ".");
        }
        return (InputType.InputTypeConvolutional) InputType.convolutional(in.getHeight() * factor,
                in.getWidth() * factor, in.getChannels() / r2, dataFormat);
    }

    public static class Builder extends ShuffleLayer.Builder<Builder> {
        public Builder(int factor) {
            super(factor, "PixelShuffle");
        }

        @Override
        @SuppressWarnings("unchecked")
        public PixelShuffle build() {
            return new PixelShuffle(this);
        }
    }
}
