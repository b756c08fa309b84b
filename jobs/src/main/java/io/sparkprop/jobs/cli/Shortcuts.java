package io.sparkprop.jobs.cli;

import io.sparkprop.jobs.config.JobConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The named options a command was given, each a shortcut for one configuration key ({@code --epochs}
 * sets {@code train.epochs}), in the order they are applied; each is its own layer so the printed
 * configuration can name the option a value came from.
 */
final class Shortcuts {
    private final List<JobConfig.Layer> layers = new ArrayList<>();

    /** Records that {@code option} sets {@code key} to {@code value}; nothing when the option was not given (null). */
    Shortcuts put(String option, String key, Object value) {
        if (value != null) {
            layers.add(new JobConfig.Layer(option, Map.of(key, String.valueOf(value))));
        }
        return this;
    }

    List<JobConfig.Layer> layers() {
        return layers;
    }
}
