package io.sparkprop.jobs.cli;

import io.sparkprop.driver.config.TrainingSettings;
import io.sparkprop.jobs.config.JobSettings;
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
        s.put("--data", JobSettings.DATA_TRAIN, data);
        s.put("--validation", JobSettings.DATA_VALIDATION, validation);
        s.put("--format", JobSettings.DATA_FORMAT, format);
        s.put("--features", JobSettings.DATA_FEATURES, features);
        s.put("--label", JobSettings.DATA_LABEL, label);
        s.put("--weight", JobSettings.DATA_WEIGHT, weight);
        s.put("--epochs", TrainingSettings.EPOCHS, epochs);
        s.put("--master", JobSettings.SPARK_MASTER, master);
    }
}
