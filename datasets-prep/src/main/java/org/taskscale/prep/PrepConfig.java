package org.taskscale.prep;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.taskscale.config.ConfigException;
import org.taskscale.tasks.Task;
import org.taskscale.tasks.Tasks;

/**
 * The {@code taskscale.prep} block, checked: every value a prep run depends on. Serializable so that Spark
 * ships it to executors.
 */
public record PrepConfig(List<String> inputs, String listFile, String output, boolean overwrite, Task task,
                         int scale, int colors, int jpegQuality, int jpegQualityMax, int patchSize,
                         int patchesPerImage, double rescaleProbability, List<Double> rescaleFactors, int rescaleDraws,
                         boolean rotate, boolean flip, boolean channelShuffle, double colorCast, int minibatch,
                         double validFraction, CNN2DFormat layout,
                         List<String> extensions, int partitions, long seed, long maxPixels)
        implements java.io.Serializable {
    public static final String PATH = "taskscale.prep";

    public PrepConfig {
        inputs = List.copyOf(inputs);
        rescaleFactors = List.copyOf(rescaleFactors);
        extensions = extensions.stream().map(e -> e.toLowerCase(Locale.ROOT).replaceFirst("^\\.", "")).toList();
        check(scale >= 1 && scale <= 8, "scale", "an integer from 1 to 8", scale);
        check(colors == 1 || colors == 3, "colors", "1 or 3", colors);
        check(jpegQuality >= 1 && jpegQuality <= 100, "jpeg-quality", "an integer from 1 to 100", jpegQuality);
        check(jpegQualityMax == 0 || (jpegQualityMax >= jpegQuality && jpegQualityMax <= 100), "jpeg-quality-max",
                "0 or a quality from jpeg-quality to 100", jpegQualityMax);
        check(patchSize >= 4, "patch-size", "at least 4", patchSize);
        check(!task.scales() || patchSize % scale == 0, "patch-size", "a multiple of the scale " + scale, patchSize);
        check(patchesPerImage >= 0, "patches-per-image", "0 (grid) or positive", patchesPerImage);
        check(rescaleProbability >= 0 && rescaleProbability <= 1, "rescale-probability", "a number from 0 to 1",
                rescaleProbability);
        check(!rescaleFactors.isEmpty() || rescaleProbability == 0, "rescale-factors", "non-empty when"
                + " rescale-probability > 0", rescaleFactors);
        check(rescaleDraws >= 1, "rescale-draws", "a positive integer", rescaleDraws);
        for (double f : rescaleFactors) {
            check(f > 0 && f <= 4, "rescale-factors", "numbers in (0, 4]", rescaleFactors);
        }
        check(colorCast >= 0 && colorCast < 1, "color-cast", "a number in [0, 1)", colorCast);
        check(minibatch >= 1, "minibatch", "positive", minibatch);
        check(validFraction >= 0 && validFraction < 1, "valid-fraction", "a number in [0, 1)", validFraction);
        check(partitions >= 0, "partitions", "0 (auto) or positive", partitions);
        check(!output.isBlank(), "output", "a directory", output);
    }

    private static void check(boolean ok, String key, String what, Object value) {
        if (!ok) {
            throw new ConfigException(PATH + "." + key + " must be " + what + ", not " + value + ".");
        }
    }

    /** Reads and checks {@code taskscale.prep} (and the image pixel limit). */
    public static PrepConfig from(Config c) {
        Config p = c.getConfig(PATH);
        String layout = p.getString("layout").trim().toUpperCase(Locale.ROOT);
        if (!layout.equals("NHWC") && !layout.equals("NCHW")) {
            throw new ConfigException(PATH + ".layout must be NHWC or NCHW, not '" + p.getString("layout") + "'.");
        }
        return new PrepConfig(p.getStringList("inputs"), p.getString("list-file").trim(), p.getString("output").trim(),
                p.getBoolean("overwrite"), Tasks.parse(p.getString("task"), PATH + ".task"), p.getInt("scale"), p.getInt("colors"),
                p.getInt("jpeg-quality"), p.getInt("jpeg-quality-max"), p.getInt("patch-size"),
                p.getInt("patches-per-image"), p.getDouble("rescale-probability"), p.getDoubleList("rescale-factors"),
                p.getInt("rescale-draws"),
                p.getBoolean("rotate"), p.getBoolean("flip"), p.getBoolean("channel-shuffle"), p.getDouble("color-cast"),
                p.getInt("minibatch"), p.getDouble("valid-fraction"),
                CNN2DFormat.valueOf(layout), p.getStringList("extensions"), p.getInt("partitions"), p.getLong("seed"),
                c.getLong("taskscale.image.max-pixels"));
    }

    /** Channels of the written input arrays. */
    public int inputChannels() {
        return task.colors(colors);
    }
}
