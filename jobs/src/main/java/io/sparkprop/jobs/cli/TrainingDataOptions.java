package io.sparkprop.jobs.cli;

import picocli.CommandLine.Option;

import java.util.Map;

/** The data and Spark shortcuts that train and retrain share; each sets one configuration key. */
final class TrainingDataOptions {
    @Option(names = "--data", paramLabel = "PATH", description = "Training data path or URI (data.train).")
    String data;
    @Option(names = "--validation", paramLabel = "PATH", description = "Separate validation data (data.validation).")
    String validation;
    @Option(names = "--format", description = "idx, parquet, csv, libsvm, orc or json (data.format).")
    String format;
    @Option(names = "--features", paramLabel = "COLS", description = "A vector column, comma-separated columns, or * (data.features).")
    String features;
    @Option(names = "--label", paramLabel = "COL", description = "The label column (data.label).")
    String label;
    @Option(names = "--weight", paramLabel = "COL", description = "The row weight column (data.weight).")
    String weight;
    @Option(names = "--epochs", description = "Passes over the data (train.epochs).")
    Integer epochs;
    @Option(names = "--master", paramLabel = "URL", description = "Spark master when not under spark-submit (spark.master), default local[*].")
    String master;

    void put(Map<String, String> s) {
        ConfigOptions.put(s, "data.train", data);
        ConfigOptions.put(s, "data.validation", validation);
        ConfigOptions.put(s, "data.format", format);
        ConfigOptions.put(s, "data.features", features);
        ConfigOptions.put(s, "data.label", label);
        ConfigOptions.put(s, "data.weight", weight);
        ConfigOptions.put(s, "train.epochs", epochs);
        ConfigOptions.put(s, "spark.master", master);
    }
}
