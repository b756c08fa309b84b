package io.sparkprop.jobs.cli;

import io.sparkprop.driver.config.ConfigurationException;
import com.fasterxml.jackson.databind.JsonNode;
import io.sparkprop.driver.model.SavedModel;
import io.sparkprop.jobs.config.JobConfig;
import io.sparkprop.jobs.config.JobSettings;
import io.sparkprop.jobs.registry.ModelRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/** {@code sparkprop list}: the versions of a model, CURRENT marked, with their holdout metrics. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the versions of a model in a registry (CURRENT marked with *), their metrics and the run history.")
final class ListCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions configOptions;
    @Mixin
    RegistryOptions registryOptions;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    static ModelRegistry open(JobConfig config) throws java.io.IOException {
        String registry = config.optional(JobSettings.REGISTRY);
        String name = config.optional(JobSettings.REGISTRY_MODEL);
        if (registry == null || name == null) {
            throw new ConfigurationException("--registry and --name (retrain.registry, retrain.model) are required");
        }
        return new ModelRegistry(registry, name, SparkSessions.hadoopConfiguration(config));
    }

    /** As {@link #open}, for a command that needs the model to exist: fails otherwise, creating nothing. */
    static ModelRegistry openExisting(JobConfig config, PrintWriter err) throws java.io.IOException {
        ModelRegistry registry = open(config).warnings(line -> err.println("warning: " + line));
        registry.requireFolder();
        return registry;
    }

    @Override
    public Integer call() throws Exception {
        Shortcuts s = new Shortcuts();
        registryOptions.put(s);
        JobConfig config = configOptions.resolve(s);
        ModelRegistry registry = openExisting(config, spec.commandLine().getErr());
        PrintWriter out = spec.commandLine().getOut();
        OptionalInt current = registry.current();
        out.println("model '" + registry.name() + "' in " + registry.dir().getParent()
                + (current.isPresent() ? ", CURRENT = version " + current.getAsInt() : ", no CURRENT version"));
        for (int v : registry.versions()) {
            String mark = current.isPresent() && current.getAsInt() == v ? "*" : " ";
            String detail;
            try {
                SavedModel m = registry.read(v);
                detail = m.createdAt() + "  run " + m.training().get("runId") + "  " + m.training().get("metricsOn")
                        + " " + m.training().get("metrics");
            } catch (IllegalArgumentException e) {
                detail = "UNREADABLE: " + FailureReport.oneLine(e);
            }
            out.printf("%s %4d  %s%n", mark, v, detail);
        }
        out.println("history:");
        for (JsonNode entry : registry.history()) {
            out.println("  " + entry.path("time").asText() + "  " + entry.path("runId").asText() + "  "
                    + entry.path("decision").asText() + (entry.hasNonNull("version") ? " -> version " + entry.path("version").asInt() : ""));
        }
        return SparkpropCommand.EXIT_OK;
    }
}
