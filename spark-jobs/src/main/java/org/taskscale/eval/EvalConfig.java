package org.taskscale.eval;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.taskscale.config.ConfigException;
import org.taskscale.tasks.Task;
import org.taskscale.tasks.Tasks;


/**
 * The {@code taskscale.eval} block: checkpoints x datasets x scales (or JPEG qualities) and where the results go.
 *
 * @param lrJpeg JPEG qualities to store a rescaler's LR image at before upscaling (0: as it is); empty: as it is
 * @param task the task of zips that do not say it, or null
 * @param maxPixels the pixel limit of an image ({@code taskscale.image.max-pixels}), judged from its header
 */
public record EvalConfig(List<String> checkpoints, boolean allCheckpoints, Map<String, List<String>> datasets,
                         List<Integer> scales, List<Integer> qualities, List<Integer> lrJpeg, Task task, int scale, String out, int tile,
                         int crops, int cropSize, int partitions, long maxPixels) {
    public static final String PATH = "taskscale.eval";

    public EvalConfig {
        check(!checkpoints.isEmpty(), "checkpoints", "at least one model zip or run directory", checkpoints);
        check(!datasets.isEmpty(), "datasets", "at least one name = folder of images", datasets);
        for (int s : scales) {
            check(s >= 1 && s <= 8, "scales", "scales between 1 and 8", scales);
        }
        for (int q : qualities) {
            check(q >= 1 && q <= 100, "qualities", "JPEG qualities between 1 and 100", qualities);
        }
        for (int q : lrJpeg) {
            check(q >= 0 && q <= 100, "lr-jpeg", "JPEG qualities between 1 and 100 (0: the LR image as it is)", lrJpeg);
        }
        check(scale >= 0, "scale", "0 (unknown) or a positive scale", scale);
        check(tile >= 0, "tile", "0 (whole images) or a tile side in pixels", tile);
        check(crops >= 0, "crops", "a count >= 0", crops);
        check(cropSize >= 16, "crop-size", "at least 16 pixels", cropSize);
        check(partitions >= 0, "partitions", "0 (automatic) or a positive count", partitions);
        check(!out.isBlank(), "out", "an output directory", out);
    }

    /**
     * The single-model form: {@code config}'s block with one model on one folder of images, its task and scale
     * given (null / 0: the zip's), JPEG models at {@code quality}.
     */
    public static EvalConfig single(Config config, String model, String images, Task task, int scale, int quality) {
        String name = new org.apache.hadoop.fs.Path(images).getName();
        Config c = config
                .withValue(PATH + ".checkpoints", ConfigValueFactory.fromIterable(List.of(model)))
                .withValue(PATH + ".datasets", ConfigValueFactory.fromMap(Map.of(name.isEmpty() ? "images" : name, images)))
                .withValue(PATH + ".scales", ConfigValueFactory.fromIterable(scale > 0 ? List.of(scale) : List.of()))
                .withValue(PATH + ".qualities", ConfigValueFactory.fromIterable(List.of(quality)))
                .withValue(PATH + ".task", ConfigValueFactory.fromAnyRef(task == null ? "" : task.name()))
                .withValue(PATH + ".scale", ConfigValueFactory.fromAnyRef(scale));
        return from(c);
    }

    private static void check(boolean ok, String key, String what, Object v) {
        if (!ok) {
            throw new ConfigException(PATH + "." + key + " must be " + what + ", not " + v + ".");
        }
    }

    /** Reads and checks the block (nothing is touched before this passes). */
    public static EvalConfig from(Config c) {
        Config e = c.getConfig(PATH);
        Map<String, List<String>> datasets = new LinkedHashMap<>();
        for (var en : e.getConfig("datasets").root().entrySet()) {
            Object v = en.getValue().unwrapped();
            List<String> paths = v instanceof String s ? List.of(s) : v instanceof List<?> l
                    && l.stream().allMatch(x -> x instanceof String) ? l.stream().map(String.class::cast).toList() : null;
            if (paths == null || paths.isEmpty() || paths.stream().anyMatch(String::isBlank)) {
                throw new ConfigException(PATH + ".datasets." + en.getKey() + " must be a folder (or glob) of images, or a"
                        + " list of them, not " + v + ".");
            }
            datasets.put(en.getKey(), paths);
        }
        String task = e.getString("task").trim();
        Task t = task.isEmpty() ? null : Tasks.parse(task, PATH + ".task");
        return new EvalConfig(List.copyOf(e.getStringList("checkpoints")), e.getBoolean("all-checkpoints"), datasets,
                List.copyOf(e.getIntList("scales")), List.copyOf(e.getIntList("qualities")),
                List.copyOf(e.getIntList("lr-jpeg")), t, e.getInt("scale"),
                e.getString("out"), e.getInt("tile"), e.getInt("crops"), e.getInt("crop-size"), e.getInt("partitions"),
                c.getLong("taskscale.image.max-pixels"));
    }
}
