package org.taskscale.models;

import com.typesafe.config.Config;
import java.util.Locale;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.taskscale.config.ConfigException;
import org.taskscale.degrade.QualityRange;
import org.taskscale.layers.PixelLoss;

/**
 * The {@code taskscale.model} block: which architecture and its size. Zero channels or blocks, and loss
 * {@code auto}, mean "the architecture's own default" (the paper's or seed's value).
 *
 * @param name registered architecture name
 * @param scale upscaling factor (SR and rescaling models)
 * @param colors image channels for models that work on Y (1) or RGB (3)
 * @param channels feature channels of the body, 0 for the default
 * @param blocks residual blocks, 0 for the default
 * @param resScale EDSR residual scaling
 * @param loss the loss, or null for the architecture's default
 * @param guidanceWeight weight of the second (guidance) loss of two-output models
 * @param quantize round the learned LR / grey image to 8 bits inside the graph
 * @param lrJpeg while training, store a rescaler's 8-bit LR image as a JPEG of a quality from this range before the
 *     upscaler sees it (straight-through gradient); null: not
 * @param residual global residual learning: arcnn adds its input image to its output, car adds the bicubic
 *     upscaling of its LR image to its upscaler's output, so that each learns a correction (the others ignore it)
 * @param layout tensor layout of every layer
 * @param seed weight-initialisation seed
 */
public record ModelConfig(String name, int scale, int colors, int channels, int blocks, double resScale,
                          PixelLoss.Kind loss, double guidanceWeight, boolean quantize, QualityRange lrJpeg,
                          boolean residual, CNN2DFormat layout, long seed) {
    public static final String PATH = "taskscale.model";

    public ModelConfig {
        if (scale < 1) {
            throw new ConfigException(PATH + ".scale must be 1 or more, not " + scale + ".");
        }
        if (colors != 1 && colors != 3) {
            throw new ConfigException(PATH + ".colors must be 1 (Y) or 3 (RGB), not " + colors + ".");
        }
        if (channels < 0 || blocks < 0) {
            throw new ConfigException(PATH + ".channels and " + PATH + ".blocks must be 0 (default) or positive, not "
                    + channels + " and " + blocks + ".");
        }
        if (!(resScale > 0) || Double.isInfinite(resScale)) {
            throw new ConfigException(PATH + ".res-scale must be a positive number, not " + resScale + ".");
        }
        if (!(guidanceWeight >= 0) || Double.isInfinite(guidanceWeight)) {
            throw new ConfigException(PATH + ".guidance-weight must be a number >= 0, not " + guidanceWeight + ".");
        }
        if (lrJpeg != null && (lrJpeg.min() < 1 || lrJpeg.max() > 100 || lrJpeg.min() > lrJpeg.max())) {
            throw new ConfigException(PATH + ".lr-jpeg must be [] (off) or [min, max] with 1 <= min <= max <= 100,"
                    + " not [" + lrJpeg.min() + ", " + lrJpeg.max() + "].");
        }
    }

    /** Reads and checks {@code taskscale.model} (the architecture name is checked against the registry). */
    public static ModelConfig from(Config config) {
        Config m = config.getConfig(PATH);
        String name = m.getString("name").trim();
        ModelRegistry.get(name);
        String loss = m.getString("loss").trim();
        PixelLoss.Kind kind;
        try {
            kind = loss.equalsIgnoreCase("auto") ? null : PixelLoss.Kind.parse(loss);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(PATH + ".loss: " + e.getMessage().replace("valid:", "valid: auto,"));
        }
        String layout = m.getString("layout").trim().toUpperCase(Locale.ROOT);
        if (!layout.equals("NHWC") && !layout.equals("NCHW")) {
            throw new ConfigException(PATH + ".layout must be NHWC or NCHW, not '" + m.getString("layout") + "'.");
        }
        java.util.List<Integer> q = m.getIntList("lr-jpeg");
        if (q.size() != 0 && q.size() != 2) {
            throw new ConfigException(PATH + ".lr-jpeg must be [] (off) or [min, max] JPEG qualities, not " + q + ".");
        }
        return new ModelConfig(name, m.getInt("scale"), m.getInt("colors"), m.getInt("channels"), m.getInt("blocks"),
                m.getDouble("res-scale"), kind, m.getDouble("guidance-weight"), m.getBoolean("quantize"),
                q.isEmpty() ? null : new QualityRange(q.get(0), q.get(1)), m.getBoolean("residual"),
                CNN2DFormat.valueOf(layout), m.getLong("seed"));
    }

    /** The defaults of every field for {@code name}: scale 2, RGB, architecture defaults, NHWC. */
    public static ModelConfig defaults(String name) {
        return new ModelConfig(name, 2, 3, 0, 0, 1.0, null, 0.5, true, null, false, CNN2DFormat.NHWC, 0);
    }

    public ModelConfig withName(String n) {
        return new ModelConfig(n, scale, colors, channels, blocks, resScale, loss, guidanceWeight, quantize,
                lrJpeg, residual, layout, seed);
    }

    public ModelConfig withScale(int s) {
        return new ModelConfig(name, s, colors, channels, blocks, resScale, loss, guidanceWeight, quantize,
                lrJpeg, residual, layout, seed);
    }

    public ModelConfig withColors(int c) {
        return new ModelConfig(name, scale, c, channels, blocks, resScale, loss, guidanceWeight, quantize,
                lrJpeg, residual, layout, seed);
    }

    /** A smaller (or larger) instance: {@code c} channels and {@code b} blocks. */
    public ModelConfig withSize(int c, int b) {
        return new ModelConfig(name, scale, colors, c, b, resScale, loss, guidanceWeight, quantize,
                lrJpeg, residual, layout, seed);
    }

    public ModelConfig withQuantize(boolean q) {
        return new ModelConfig(name, scale, colors, channels, blocks, resScale, loss, guidanceWeight, q,
                lrJpeg, residual, layout, seed);
    }

    /** The same model trained through JPEG round trips of its LR image at qualities in {@code range} (null: not). */
    public ModelConfig withLrJpeg(QualityRange range) {
        return new ModelConfig(name, scale, colors, channels, blocks, resScale, loss, guidanceWeight, quantize,
                range, residual, layout, seed);
    }

    /** The same model with ({@code r}) or without the input added to its output. */
    public ModelConfig withResidual(boolean r) {
        return new ModelConfig(name, scale, colors, channels, blocks, resScale, loss, guidanceWeight, quantize,
                lrJpeg, r, layout, seed);
    }

    public ModelConfig withLayout(CNN2DFormat f) {
        return new ModelConfig(name, scale, colors, channels, blocks, resScale, loss, guidanceWeight, quantize,
                lrJpeg, residual, f, seed);
    }

    public ModelConfig withLoss(PixelLoss.Kind k) {
        return new ModelConfig(name, scale, colors, channels, blocks, resScale, k, guidanceWeight, quantize,
                lrJpeg, residual, layout, seed);
    }

    /** {@link #channels} or {@code dflt} when it is 0. */
    public int channelsOr(int dflt) {
        return channels > 0 ? channels : dflt;
    }

    /** {@link #blocks} or {@code dflt} when it is 0. */
    public int blocksOr(int dflt) {
        return blocks > 0 ? blocks : dflt;
    }

    /** {@link #loss} or {@code dflt} when it is auto. */
    public PixelLoss.Kind lossOr(PixelLoss.Kind dflt) {
        return loss != null ? loss : dflt;
    }
}
