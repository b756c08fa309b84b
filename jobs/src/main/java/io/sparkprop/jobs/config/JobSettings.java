package io.sparkprop.jobs.config;

import io.sparkprop.driver.config.Setting;
import io.sparkprop.driver.config.Setting.Bounds;
import io.sparkprop.driver.io.RunLock;
import io.sparkprop.driver.model.SavedModel.Task;

import java.util.List;

/**
 * The command line's own settings, declared once like {@link io.sparkprop.driver.config.TrainingSettings}:
 * where the data is and how to read it, the task, the output, Spark's master and the retraining
 * registry. Spark ML has no parameters for these (a Dataset, the estimator's class and
 * {@code save} take their place). Choices are enums ({@link DataFormat}, {@link Task},
 * {@link RetrainMetric}) declared through {@link io.sparkprop.driver.config.Choice}; {@link JobConfig}
 * holds the parsed values.
 */
public final class JobSettings {
    private JobSettings() {
    }

    public static final Setting<String> DATA_FORMAT = Setting.choice("data.format", null, DataFormat.IDX, DataFormat.class,
            "Format of the training data: idx (the MNIST family: a folder holding *-images-idx3-ubyte[.gz] and"
                    + " *-labels-idx1-ubyte[.gz]), or any Spark source: parquet, csv, libsvm, orc, json.");

    public static final Setting<String> DATA_TRAIN = Setting.string("data.train", null, "builtin:mnist-10k",
            "Path or URI of the training data (file://, hdfs://, s3a://); relative paths are relative to the"
                    + " working directory. The default, builtin:mnist-10k, is the MNIST-10k data (10,000 28x28 digits)"
                    + " embedded in the job jar, the same files as data/mnist-10k in the project.");

    public static final Setting<String> DATA_VALIDATION = Setting.string("data.validation", null, "",
            "Path or URI of a separate validation set in the same format; empty to split one off the training"
                    + " data with data.validation.fraction.");

    public static final Setting<String> DATA_FEATURES = Setting.string("data.features", null, "features",
            "The features: the name of one vector or array column, a comma-separated list of numeric columns,"
                    + " or * for every column but the label. For idx and libsvm data the column is \"features\".");

    public static final Setting<String> DATA_LABEL = Setting.validatedString("data.label", null, "label",
            "one column name, or several distinct column names separated by commas",
            JobSettings::labelColumnList,
            "The label column: a class index for classification; for regression a number (one output), a vector"
                    + " or array column (one output per entry), or a comma-separated list of numeric columns"
                    + " (y1,y2: one output per column, predictions prediction_y1, prediction_y2).");

    public static final Setting<String> DATA_WEIGHT = Setting.string("data.weight", null, "",
            "The row weight column (Spark ML: weightCol): a finite number >= 0 per row that weighs its loss, its"
                    + " gradient and the metrics (train and evaluate); empty for all weights 1. Never a feature.");

    public static final Setting<Integer> DATA_PARTITIONS = Setting.integer("data.partitions", null, 0, Bounds.atLeast(0),
            "Balanced blocks (workers) to train on, rows dealt out by their order in the input; 0: one per task slot"
                    + " (defaultParallelism / spark.task.cpus; local[N]: N). A resumed run keeps its checkpoint's count.");

    public static final Setting<Boolean> CSV_HEADER = Setting.bool("data.csv.header", null, true, "CSV: whether the first line is a header naming the columns.");

    public static final Setting<String> CSV_DELIMITER = Setting.string("data.csv.delimiter", null, ",", "CSV: the field delimiter.");

    public static final Setting<String> TASK = Setting.choice("model.task", null, Task.CLASSIFICATION, Task.class,
            "What the model predicts: classification (softmax output, cross-entropy loss; labels are class"
                    + " indices 0..k-1) or regression (identity output, squared-error loss).");

    public static final Setting<String> OUTPUT_MODEL = Setting.string("output.model", null, "models/mnist", "Where the trained model is written (a directory URI).");

    public static final Setting<Boolean> OUTPUT_OVERWRITE = Setting.bool("output.overwrite", null, false, "Replace an existing model at output.model (only a folder with model.json).");

    public static final Setting<Boolean> RECORD_SPARK_CONF = Setting.bool("output.recordSparkConf", null, false,
            "Record the spark.hadoop.* keys (file system settings; credentials redacted) in model.json, report.html"
            + " and history.jsonl; by default they are left out of everything stored.");

    public static final Setting<String> SPARK_MASTER = Setting.string("spark.master", null, "local[*]",
            "Master URL when sparkprop starts Spark itself (bin/sparkprop); spark-submit's --master wins.");

    public static final Setting<String> REGISTRY = Setting.string("retrain.registry", null, "",
            "The model registry: a directory URI (file://, hdfs://, s3a://) that must exist.");

    public static final Setting<String> REGISTRY_MODEL = Setting.string("retrain.model", null, "", "The model's name in the registry: 1 to 100 ASCII letters, digits, '-', '_' and '.', not only dots.");

    public static final Setting<String> REPLAY_DATA = Setting.string("retrain.replay.data", null, "",
            "Older data to mix into the new training data (same format and columns); empty for none.");

    public static final Setting<Double> REPLAY_FRACTION = Setting.number("retrain.replay.fraction", null, 0.1, Bounds.closed(0, 1),
            "Fraction of retrain.replay.data sampled (seeded by train.seed) into each run's training data.");

    public static final Setting<String> RETRAIN_METRIC = Setting.choice("retrain.metric", null, RetrainMetric.LOSS, RetrainMetric.class,
            "The holdout metric that decides promotion.");

    public static final Setting<Double> RETRAIN_TOLERANCE = Setting.number("retrain.tolerance", null, 0, Bounds.atLeast(0),
            "The candidate is promoted unless it is worse than CURRENT by more than this on retrain.metric.");

    public static final Setting<Integer> RETRAIN_KEEP = Setting.integer("retrain.keep", null, 5, Bounds.atLeast(1),
            "Versions kept in the registry, newest first; CURRENT is never deleted.");

    public static final Setting<Integer> LOCK_HEARTBEAT = Setting.integer("retrain.lock.heartbeat", null, RunLock.DEFAULT_HEARTBEAT_SECONDS, Bounds.atLeast(1),
            "Seconds between refreshes of the lock's heartbeat while a run holds it.");

    public static final Setting<Integer> LOCK_STALE_AFTER = Setting.integer("retrain.lock.staleAfter", null, RunLock.DEFAULT_STALE_SECONDS, Bounds.atLeast(1),
            "A lock whose heartbeat is older than this many seconds is taken over (its owner is presumed dead).");

    /** Every setting, in the order the defaults file documents them. */
    public static final List<Setting<?>> ALL = List.of(DATA_FORMAT, DATA_TRAIN, DATA_VALIDATION, DATA_FEATURES, DATA_LABEL, DATA_WEIGHT, DATA_PARTITIONS, CSV_HEADER,
            CSV_DELIMITER, TASK, OUTPUT_MODEL, OUTPUT_OVERWRITE, RECORD_SPARK_CONF, SPARK_MASTER, REGISTRY, REGISTRY_MODEL,
            REPLAY_DATA, REPLAY_FRACTION, RETRAIN_METRIC, RETRAIN_TOLERANCE, RETRAIN_KEEP, LOCK_HEARTBEAT, LOCK_STALE_AFTER);

    /** One name, or distinct non-empty names separated by commas (as FeatureColumns.labelColumns reads them). */
    static boolean labelColumnList(String value) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String c : value.split(",", -1)) {
            if (c.trim().isEmpty() || !seen.add(c.trim())) {
                return false;
            }
        }
        return true;
    }
}
