package io.sparkprop.jobs.cli;

import picocli.CommandLine.Option;

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
    @Option(names = "--label", paramLabel = "COL[,COL...]", description = "The label column, or several numeric columns for a regression of several outputs (data.label).")
    String label;
    @Option(names = "--weight", paramLabel = "COL", description = "The row weight column (data.weight).")
    String weight;
    @Option(names = "--epochs", description = "Passes over the data (train.epochs).")
    Integer epochs;
    @Option(names = "--master", paramLabel = "URL", description = "Spark master when not under spark-submit (spark.master), default local[*].")
    String master;

    void put(Shortcuts s) {
        s.put("--data", "data.train", data);
        s.put("--validation", "data.validation", validation);
        s.put("--format", "data.format", format);
        s.put("--features", "data.features", features);
        s.put("--label", "data.label", label);
        s.put("--weight", "data.weight", weight);
        s.put("--epochs", "train.epochs", epochs);
        s.put("--master", "spark.master", master);
    }
}
