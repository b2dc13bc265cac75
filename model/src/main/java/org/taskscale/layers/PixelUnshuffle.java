package org.taskscale.layers;

import org.deeplearning4j.nn.conf.inputs.InputType;

/** Space to depth in PyTorch's {@code pixel_unshuffle} order: {@code [N, C, H r, W r] -> [N, C r^2, H, W]}. */
public class PixelUnshuffle extends ShuffleLayer {
    public PixelUnshuffle() {}

    protected PixelUnshuffle(Builder b) {
        super(b);
    }

    @Override
    protected boolean upsamples() {
        return false;
    }

    @Override
    protected InputType.InputTypeConvolutional outputType(InputType.InputTypeConvolutional in) {
        if (in.getHeight() % factor != 0 || in.getWidth() % factor != 0) {
            throw new IllegalStateException("PixelUnshuffle(" + factor + ") layer '" + getLayerName()
                    + "' needs height and width divisible by " + factor + ", got " + in.getHeight() + "x" + in.getWidth() + ".");
        }
        return (InputType.InputTypeConvolutional) InputType.convolutional(in.getHeight() / factor,
                in.getWidth() / factor, in.getChannels() * factor * factor, dataFormat);
    }

    public static class Builder extends ShuffleLayer.Builder<Builder> {
        public Builder(int factor) {
            super(factor, "PixelUnshuffle");
        }

        @Override
        @SuppressWarnings("unchecked")
        public PixelUnshuffle build() {
            return new PixelUnshuffle(this);
        }
    }
}
