package io.sparkprop.jobs.cli;

import io.sparkprop.jobs.config.JobConfig;
import io.sparkprop.jobs.config.JobSettings;
import io.sparkprop.jobs.registry.ModelRegistry;
import io.sparkprop.driver.io.RunLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/** {@code sparkprop rollback}: point CURRENT at an older version (under the model's lock). */
@Command(name = "rollback", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Point the model's CURRENT at a given version, or at the newest version older than CURRENT.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:CURRENT now names the version", "1:failed (e.g. no such version); CURRENT is unchanged",
                "2:usage error", "4:another run holds the model's lock"})
final class RollbackCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions configOptions;
    @Mixin
    RegistryOptions registryOptions;

    @Option(names = "--to", paramLabel = "N", description = "The version to serve (default: the one before CURRENT).")
    Integer to;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Shortcuts s = new Shortcuts();
        registryOptions.put(s);
        JobConfig config = configOptions.resolve(s);
        PrintWriter out = spec.commandLine().getOut();
        ModelRegistry registry = ListCommand.openExisting(config, spec.commandLine().getErr());
        String runId = "rollback-" + System.currentTimeMillis();
        try (RunLock lock = registry.lock(runId, config.get(JobSettings.LOCK_HEARTBEAT),
                config.get(JobSettings.LOCK_STALE_AFTER), out)) {
            OptionalInt current = registry.current();
            List<Integer> versions = registry.versions();
            int target;
            if (to != null) {
                target = to;
            } else {
                if (current.isEmpty()) {
                    throw new IllegalArgumentException("model '" + registry.name() + "' has no CURRENT version to roll back from");
                }
                target = versions.stream().filter(v -> v < current.getAsInt()).reduce((a, b) -> b)
                        .orElseThrow(() -> new IllegalArgumentException("model '" + registry.name() + "' has no version older than"
                                + " CURRENT (" + current.getAsInt() + "); versions: " + versions));
            }
            if (!versions.contains(target)) {
                throw new IllegalArgumentException("model '" + registry.name() + "' has no version " + target + "; versions: " + versions);
            }
            registry.read(target); // refuse a corrupt version before anything points at it
            registry.setCurrent(target);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("runId", runId);
            entry.put("time", Instant.now().toString());
            entry.put("previousVersion", current.isPresent() ? current.getAsInt() : null);
            entry.put("version", target);
            entry.put("decision", "rollback");
            entry.put("exitCode", SparkpropCommand.EXIT_OK);
            registry.appendHistory(entry);
            out.println("CURRENT of '" + registry.name() + "' is now version " + target
                    + (current.isPresent() ? " (was " + current.getAsInt() + ")" : ""));
        }
        return SparkpropCommand.EXIT_OK;
    }
}
