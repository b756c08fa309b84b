package io.sparkprop.jobs.cli;

import io.sparkprop.jobs.config.JobConfig;
import io.sparkprop.jobs.output.OutputGuard;
import io.sparkprop.driver.io.RunLock;
import io.sparkprop.jobs.train.TrainJob;
import io.sparkprop.jobs.train.SparkLease;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code sparkprop train}: train a network on a dataset and write the model with its report. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a network and write the model (model.json, params.bin, report.html, history.jsonl).",
                "With no options: a 784-128-10 ReLU network on the embedded MNIST-10k digits, written to models/mnist.",
                "Prints the configuration keys that differ from the defaults (--verbose: every key), with their sources."},
        footer = {"", "Every option is a shortcut for a configuration key; --conf sets any key, --job reads a file of them.",
                "Example: sparkprop train --format csv --data houses.csv --features '*' --label price --task regression --output models/houses"})
final class TrainCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions configOptions;
    @Mixin
    TrainingDataOptions dataOptions;
    @Mixin
    TrainOptions trainOptions;
    @Option(names = "--verbose", description = "Print every configuration key with its value and source, not only those that differ from the defaults.")
    boolean verbose;

    @ParentCommand
    SparkpropCommand root;
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Shortcuts s = new Shortcuts();
        dataOptions.put(s);
        trainOptions.put(s);
        JobConfig config = configOptions.resolve(s);
        PrintWriter out = spec.commandLine().getOut();
        ConfigOptions.print(out, config, verbose);
        try (RunLock lock = OutputGuard.train(config, SparkSessions.hadoopConfiguration(config), out);
             SparkLease lease = SparkSessions.start(config, "sparkprop train")) {
            SparkSession spark = lease.session();
            new TrainJob(spark, config, out, spec.commandLine().getErr()).progressOnTerminal(root.terminal()).run();
        }
        return SparkpropCommand.EXIT_OK;
    }
}
