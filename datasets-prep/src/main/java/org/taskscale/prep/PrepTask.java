package org.taskscale.prep;

import java.util.Arrays;
import java.util.Locale;
import org.taskscale.config.ConfigException;
import org.taskscale.models.Task;

/** What the prep job makes examples for, by its configuration name, and the model task it feeds. */
public enum PrepTask {
    RESCALE("rescale", Task.RESCALING),
    SR("sr", Task.SUPER_RESOLUTION),
    SR_UPSAMPLED("sr-upsampled", Task.SUPER_RESOLUTION_PREUPSAMPLED),
    JPEG("jpeg", Task.JPEG_RESTORATION),
    COLORIZE("colorize", Task.COLORIZATION),
    COLOR_EMBED("color-embed", Task.COLOR_EMBEDDING);

    private final String configName;
    private final Task task;

    PrepTask(String configName, Task task) {
        this.configName = configName;
        this.task = task;
    }

    public String configName() {
        return configName;
    }

    /** The model task whose input and labels these examples hold. */
    public Task task() {
        return task;
    }

    /** True for the tasks that downscale (patches are cropped to a multiple of the scale). */
    public boolean scales() {
        return this == RESCALE || this == SR || this == SR_UPSAMPLED;
    }

    /** The prep task feeding a model task. */
    public static PrepTask of(Task t) {
        return Arrays.stream(values()).filter(p -> p.task == t).findFirst().orElseThrow();
    }

    public static PrepTask parse(String s) {
        return parse(s, PrepConfig.PATH + ".task");
    }

    /** The task named {@code s}; an unknown name fails naming {@code key} (a configuration key or a flag). */
    public static PrepTask parse(String s, String key) {
        String n = s.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.configName.equals(n)).findFirst()
                .orElseThrow(() -> new ConfigException(key + ": unknown task '" + s + "'; valid: "
                        + String.join(", ", Arrays.stream(values()).map(PrepTask::configName).toList()) + "."));
    }
}
