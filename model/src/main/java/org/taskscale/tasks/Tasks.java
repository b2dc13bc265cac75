package org.taskscale.tasks;

import java.util.List;
import java.util.Locale;
import org.taskscale.config.ConfigException;

/** The registered tasks, by name: the one place a task is looked up. */
public final class Tasks {
    private Tasks() {}

    public static final Task RESCALE = new Rescaling();
    public static final Task SR = new SuperResolution();
    public static final Task SR_UPSAMPLED = new UpsampledSuperResolution();
    public static final Task JPEG = new JpegRestoration();
    public static final Task COLORIZE = new Colorization();
    public static final Task COLOR_EMBED = new ColorEmbedding();

    private static final List<Task> ALL = List.of(RESCALE, SR, SR_UPSAMPLED, JPEG, COLORIZE, COLOR_EMBED);

    /** Every task, in the order the command line lists them. */
    public static List<Task> all() {
        return ALL;
    }

    /** The configuration names, in order. */
    public static List<String> names() {
        return ALL.stream().map(Task::name).toList();
    }

    /** The task named {@code s} (its configuration name); an unknown name fails naming {@code key}. */
    public static Task parse(String s, String key) {
        String n = s.trim().toLowerCase(Locale.ROOT);
        return ALL.stream().filter(t -> t.name().equals(n)).findFirst()
                .orElseThrow(() -> new ConfigException(key + ": unknown task '" + s + "'; valid: "
                        + String.join(", ", names()) + "."));
    }

    /** The task a model zip or a manifest names by {@link Task#id}. */
    public static Task byId(String id) {
        return ALL.stream().filter(t -> t.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown task '" + id + "' in a model or manifest; known: "
                        + String.join(", ", ALL.stream().map(Task::id).toList()) + "."));
    }
}
