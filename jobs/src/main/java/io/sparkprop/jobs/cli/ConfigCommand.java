package io.sparkprop.jobs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/**
 * {@code sparkprop config}: the effective configuration that train would use with the same
 * {@code --job}, {@code --conf} and options, every key with its value and source; runs nothing.
 */
@Command(name = "config", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the effective configuration for the given --job, --conf and options,",
                "without running anything: every key, its value and where it came from (default,",
                "the job file, --conf or the option); credentials redacted. The same checks as",
                "train: an unknown key or a bad value is a usage error (exit 2)."},
        footer = {"", "Example: sparkprop config --job conf/jobs/fashion-mnist.conf --epochs 5 --conf train.optimizer=adamw"})
final class ConfigCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions configOptions;
    @Mixin
    TrainingDataOptions dataOptions;
    @Mixin
    TrainOptions trainOptions;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Shortcuts s = new Shortcuts();
        dataOptions.put(s);
        trainOptions.put(s);
        ConfigOptions.print(spec.commandLine().getOut(), configOptions.resolve(s), true);
        return SparkpropCommand.EXIT_OK;
    }
}
