package io.sparkprop.jobs.cli;

import picocli.CommandLine.Option;

/** The registry and model name, shared by retrain, rollback and list. */
final class RegistryOptions {
    @Option(names = "--registry", paramLabel = "URI", description = "The model registry directory (retrain.registry).")
    String registry;
    @Option(names = "--name", paramLabel = "NAME", description = "The model's name in the registry (retrain.model).")
    String name;

    void put(Shortcuts shortcuts) {
        shortcuts.put("--registry", "retrain.registry", registry);
        shortcuts.put("--name", "retrain.model", name);
    }
}
