package org.taskscale.cli;

import org.taskscale.tasks.Task;
import org.taskscale.tasks.Tasks;
import picocli.CommandLine.Option;

/** The {@code --task} option of the commands that load a model zip, for zips that do not say their task. */
public final class TaskOption {
    @Option(names = "--task", description = "The model's task if its zip does not say it: rescale, sr, sr-upsampled,"
            + " jpeg, colorize or color-embed.")
    String name;

    /** The task given, or null. */
    Task task() {
        return name == null ? null : Tasks.parse(name, "--task");
    }
}
