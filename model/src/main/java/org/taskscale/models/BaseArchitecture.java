package org.taskscale.models;

import java.util.Set;
import org.taskscale.tasks.Task;

/** What every architecture states about itself, held once: name, description, task, scales, channels, patch. */
abstract class BaseArchitecture implements Architecture {
    private final String name;
    private final String description;
    private final Task task;
    private final Set<Integer> scales;
    private final int inputChannels;
    private final int defaultPatch;

    /** {@code inputChannels} 0: the configuration's {@code colors} (Y or RGB). */
    BaseArchitecture(String name, String description, Task task, Set<Integer> scales, int inputChannels, int defaultPatch) {
        this.name = name;
        this.description = description;
        this.task = task;
        this.scales = scales;
        this.inputChannels = inputChannels;
        this.defaultPatch = defaultPatch;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final Task task() {
        return task;
    }

    @Override
    public final Set<Integer> scales() {
        return scales;
    }

    @Override
    public final int inputChannels(ModelConfig m) {
        return inputChannels > 0 ? inputChannels : m.colors();
    }

    @Override
    public final int defaultPatch(ModelConfig m) {
        return defaultPatch;
    }
}
