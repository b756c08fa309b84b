package io.sparkprop.jobs.cli;

import picocli.CommandLine.Option;

import java.util.Map;

/** The registry and model name, shared by retrain, rollback and list. */
final class RegistryOptions {
    @Option(names = "--registry", paramLabel = "URI", description = "The model registry directory (retrain.registry).")
    String registry;
    @Option(names = "--name", paramLabel = "NAME", description = "The model's name in the registry (retrain.model).")
    String name;

    void put(Map<String, String> shortcuts) {
        ConfigOptions.put(shortcuts, "retrain.registry", registry);
        ConfigOptions.put(shortcuts, "retrain.model", name);
    }
}
