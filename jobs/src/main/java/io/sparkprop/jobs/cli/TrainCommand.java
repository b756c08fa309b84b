package io.sparkprop.jobs.cli;

import io.sparkprop.jobs.config.JobConfig;
import io.sparkprop.jobs.train.TrainJob;
import io.sparkprop.jobs.train.SparkLease;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code sparkprop train}: train a network on a dataset and write the model with its report. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a network and write the model (model.json, params.bin, report.html, history.jsonl).",
                "With no options: a 784-128-10 ReLU network on the embedded MNIST-10k digits, written to models/mnist."},
        footer = {"", "Every option is a shortcut for a configuration key; --conf sets any key, --job reads a file of them.",
                "Example: sparkprop train --format csv --data houses.csv --features '*' --label price --task regression --output models/houses"})
final class TrainCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions configOptions;
    @Mixin
    TrainingDataOptions dataOptions;

    @Option(names = "--task", description = "classification or regression (model.task).")
    String task;
    @Option(names = "--hidden", paramLabel = "N,N", description = "Hidden layer widths, e.g. 256,128 (model.hidden).")
    String hidden;
    @Option(names = "--batch-size", description = "Examples per iteration (train.batchSize).")
    Integer batchSize;
    @Option(names = "--optimizer", description = "sgd, momentum, nesterov, adam or adamw (train.optimizer).")
    String optimizer;
    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate (train.learningRate).")
    Double learningRate;
    @Option(names = "--seed", description = "Seed (train.seed).")
    Long seed;
    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Where to write the model (output.model).")
    String output;
    @Option(names = "--overwrite", description = "Replace an existing model at the output path (output.overwrite).")
    Boolean overwrite;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Map<String, String> s = new LinkedHashMap<>();
        dataOptions.put(s);
        ConfigOptions.put(s, "model.task", task);
        ConfigOptions.put(s, "model.hidden", hidden);
        ConfigOptions.put(s, "train.batchSize", batchSize);
        ConfigOptions.put(s, "train.optimizer", optimizer);
        ConfigOptions.put(s, "train.learningRate", learningRate);
        ConfigOptions.put(s, "train.seed", seed);
        ConfigOptions.put(s, "output.model", output);
        ConfigOptions.put(s, "output.overwrite", overwrite);
        JobConfig config = configOptions.resolve(s);
        PrintWriter out = spec.commandLine().getOut();
        out.println("effective configuration:");
        config.describe().forEach(line -> out.println("  " + line));
        out.flush();
        try (SparkLease lease = SparkSessions.start(config, "sparkprop train")) {
            SparkSession spark = lease.session();
            new TrainJob(spark, config, out, spec.commandLine().getErr()).run();
        }
        return SparkpropCommand.EXIT_OK;
    }
}
