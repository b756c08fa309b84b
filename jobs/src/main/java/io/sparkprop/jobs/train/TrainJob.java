package io.sparkprop.jobs.train;

import io.sparkprop.driver.config.TrainingSettings;
import io.sparkprop.driver.model.ModelStore;
import io.sparkprop.driver.model.SavedModel;
import io.sparkprop.driver.spark.PhaseLog;
import io.sparkprop.driver.train.EvaluationMetrics;
import io.sparkprop.driver.train.ModelFit;
import io.sparkprop.driver.train.TrainingConfig;
import io.sparkprop.driver.train.TrainingListener;
import io.sparkprop.driver.train.TrainingResult;
import io.sparkprop.jobs.config.DataFormat;
import io.sparkprop.jobs.config.JobConfig;
import io.sparkprop.jobs.config.JobSettings;
import io.sparkprop.jobs.data.AssembledRows;
import io.sparkprop.jobs.data.DataSource;
import io.sparkprop.jobs.data.FeatureColumns;
import io.sparkprop.jobs.data.InputChecks;
import io.sparkprop.jobs.report.ReportWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code train} job: read the data named by the configuration, build the network, train it on
 * Spark, evaluate it and write the model. Knows nothing of command lines; {@code TrainCommand} and
 * the retraining job call it.
 */
public final class TrainJob {
    /** The self-contained HTML report, inside the model directory. */
    public static final String REPORT_HTML = "report.html";
    /** One JSON object per epoch, inside the model directory. */
    public static final String HISTORY_JSONL = "history.jsonl";

    private final SparkSession spark;
    private final JobConfig config;
    private final PrintWriter out;
    private boolean terminal;
    private final PrintWriter err;

    /** What a run produced. */
    public static final class Outcome {
        public final SavedModel model;
        public final TrainingResult result;
        public final EvaluationMetrics metrics;
        public final String metricsOn;
        /** For a warm start: the starting model's metrics on the same data as {@link #metrics}; else null. */
        public final EvaluationMetrics baseMetrics;
        /** Files written into the model directory beside the model: the report and the history. */
        public final Map<String, byte[]> reportFiles;

        Outcome(SavedModel model, TrainingResult result, EvaluationMetrics metrics, String metricsOn,
                EvaluationMetrics baseMetrics, Map<String, byte[]> reportFiles) {
            this.model = model;
            this.result = result;
            this.metrics = metrics;
            this.metricsOn = metricsOn;
            this.baseMetrics = baseMetrics;
            this.reportFiles = reportFiles;
        }
    }

    /** Warnings (one line each, prefixed "warning: ") go to the process's stderr. */
    public TrainJob(SparkSession spark, JobConfig config, PrintWriter out) {
        this(spark, config, out, new PrintWriter(System.err, true));
    }

    /** @param err where warnings go, one line each, prefixed "warning: " */
    public TrainJob(SparkSession spark, JobConfig config, PrintWriter out, PrintWriter err) {
        this.spark = spark;
        this.config = config;
        this.out = out;
        this.err = err;
    }

    /**
     * {@code true}: {@code out} is a terminal, so training shows one line per epoch that updates in
     * place ({@link TerminalProgress}) instead of the trainer's log lines; {@code false} (logs,
     * schedulers, tests): plain lines only.
     */
    public TrainJob progressOnTerminal(boolean terminal) {
        this.terminal = terminal;
        return this;
    }

    /** Trains and writes the model to output.model; returns what was written. */
    public Outcome run() throws IOException {
        String output = config.get(JobSettings.OUTPUT_MODEL);
        ModelStore store = new ModelStore(spark.sparkContext().hadoopConfiguration());
        checkOutput(store, config);
        Outcome outcome = train();
        store.write(outcome.model, output, config.get(JobSettings.OUTPUT_OVERWRITE), outcome.reportFiles);
        out.println("model written to " + output + " (report: " + output + "/" + REPORT_HTML + ")");
        return outcome;
    }

    /**
     * Fails now, naming output.model, when the model could not be written there later: a model is
     * there and output.overwrite is false, something that is not a model is there, or its folder is
     * not writable.
     */
    public static void checkOutput(ModelStore store, JobConfig config) throws IOException {
        String output = config.get(JobSettings.OUTPUT_MODEL);
        boolean overwrite = config.get(JobSettings.OUTPUT_OVERWRITE);
        if (!overwrite && store.exists(output)) {
            throw new IllegalArgumentException("output path " + output + " already holds a model; pass --overwrite to replace it");
        }
        store.checkWritable(output, overwrite);
    }

    /**
     * How a retraining run differs from a plain one: it starts from {@code base}'s parameters (null:
     * a fresh model from the configuration), keeps base's network, task and standardisation
     * statistics, may mix in a sample of older data, and checkpoints to {@code checkpointDir},
     * resuming from there when a previous attempt of the same run left checkpoints.
     */
    public static final class Retraining {
        final SavedModel base;
        final String baseName;
        final String checkpointDir;
        final String replayPath;
        final double replayFraction;

        public Retraining(SavedModel base, String baseName, String checkpointDir, String replayPath, double replayFraction) {
            this.base = base;
            this.baseName = baseName;
            this.checkpointDir = checkpointDir;
            this.replayPath = replayPath;
            this.replayFraction = replayFraction;
        }
    }

    /** Trains without writing anything. */
    public Outcome train() throws IOException {
        return train(null);
    }

    /** Trains, as a retraining run when {@code retraining} is not null, without writing a model. */
    public Outcome train(Retraining retraining) throws IOException {
        SavedModel base = retraining == null ? null : retraining.base;
        PhaseLog phases = PhaseLog.start(spark.sparkContext());
        DataSource source = new DataSource(spark).warnings(line -> err.println("warning: " + line));
        DataFormat format = config.dataFormat();
        List<String> labels = FeatureColumns.labelColumns(config.get(JobSettings.DATA_LABEL));
        boolean header = config.get(JobSettings.CSV_HEADER);
        String delimiter = config.get(JobSettings.CSV_DELIMITER);
        int partitions = config.get(JobSettings.DATA_PARTITIONS);
        long seed = config.get(TrainingSettings.SEED);

        Dataset<Row> train = source.read(format, config.get(JobSettings.DATA_TRAIN), header, delimiter, partitions);
        Dataset<Row> validation = null;
        String validationPath = config.optional(JobSettings.DATA_VALIDATION);
        if (validationPath != null) {
            validation = source.read(format, validationPath, header, delimiter, partitions);
        }
        String featureSpec = format.namesFeatures() ? "features" : config.get(JobSettings.DATA_FEATURES);
        String weight = config.optional(JobSettings.DATA_WEIGHT);
        FeatureColumns features = FeatureColumns.resolve(train, featureSpec, labels, weight);
        InputChecks.requireTrainingRows(source.rowsUpTo(train, 2), "the training data " + config.redactInside(config.get(JobSettings.DATA_TRAIN)));
        if (validation != null) {
            String named = "the validation data " + config.redactInside(validationPath);
            InputChecks.requireColumns(validation, named, features.readColumns(labels, weight));
            InputChecks.requireValidationRows(source.rowsUpTo(validation, 1), named);
        }
        List<String> text = new ArrayList<>(features.textColumns(train));
        for (String label : labels) {
            if (train.schema().apply(label).dataType() instanceof org.apache.spark.sql.types.StringType) {
                text.add(label);
            }
        }
        if (weight != null && Arrays.asList(train.columns()).contains(weight)
                && train.schema().apply(weight).dataType() instanceof org.apache.spark.sql.types.StringType) {
            text.add(weight);
        }
        // text columns: checked and typed in plain code (a plan of an expression per column took minutes at a
        // thousand columns), bad rows traced to their lines in a typed projection of the files
        Dataset<Row> trainRows = train;
        Dataset<Row> validationRows = validation;
        boolean replaying = retraining != null && retraining.replayPath != null && retraining.replayFraction > 0;
        AssembledRows.Fit assembled = null;
        List<String> read = features.readColumns(labels, weight);
        if (format == DataFormat.CSV && !features.isVector() && new HashSet<>(text).equals(new HashSet<>(read))) {
            // every column read is CSV text: read, checked and typed in one pass, the features as one array column
            AssembledRows.Replay replay = null;
            if (replaying) {
                Dataset<Row> old = source.read(format, retraining.replayPath, header, delimiter, partitions);
                requireColumnsOf(old, train, retraining.replayPath);
                replay = new AssembledRows.Replay(old, retraining.replayFraction, seed);
            }
            assembled = AssembledRows.fit(source, train, replay, validation, text, features.scalarColumns(),
                    read.subList(features.scalarColumns().size(), read.size()), config.get(TrainingSettings.VALIDATION_FRACTION), seed);
        } else if (!text.isEmpty()) {
            Dataset<Row> trainText = train;
            Dataset<Row> validationText = validation;
            train = source.numericCsvColumns(train, text, header, format);
            validation = validation == null ? null : source.numericCsvColumns(validation, text, header, format);
            trainRows = source.numericCsvRows(trainText, text); // a replay replaces it below
            validationRows = validationText == null ? null : source.numericCsvRows(validationText, text);
        }
        if (replaying && assembled == null) {
            Dataset<Row> replay = source.read(format, retraining.replayPath, header, delimiter, partitions);
            if (!text.isEmpty()) {
                replay = source.numericCsvColumns(replay, text, header, format);
            }
            requireColumnsOf(replay, train, retraining.replayPath);
            train = train.union(replay.sample(false, retraining.replayFraction, seed));
            trainRows = train;
        }
        phases.end("read");
        TrainingConfig settings = config.trainingConfig();
        if (retraining != null) {
            settings = settings.toBuilder().set(TrainingSettings.CHECKPOINT_DIR, retraining.checkpointDir).build();
        }
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("dataTrain", config.redactInside(config.get(JobSettings.DATA_TRAIN)));
        provenance.put("dataValidation", validationPath == null ? "" : config.redactInside(validationPath));
        provenance.put("job", config.redactedJobSettings());
        ReportCollector collector = new ReportCollector();
        ModelFit fit = new ModelFit(settings, config.task())
                .labels(labels)
                .weight(weight)
                .partitions(partitions)
                .imageFeatures(format == DataFormat.IDX)
                .resume(true)
                .provenance(provenance)
                .rowNames(source.rowNames(format, header))
                .progress(out::println)
                .warnings(line -> {
                    err.println("warning: " + line);
                    err.flush();
                })
                .listener(collector);
        TerminalProgress terminalProgress = terminal ? new TerminalProgress(out) : null;
        if (terminalProgress != null) {
            fit.logProgress(false).listener(terminalProgress);
        }
        if (assembled != null) {
            AssembledRows.Fit rows = assembled;
            fit.features(assembled.features()).listener(new TrainingListener() {
                @Override
                public void onStart(int epochs, long iterationsPerEpoch) {
                    rows.release(); // the blocks are built: the rows read are not read again
                }
            });
        } else if (features.isVector()) {
            fit.features(features.vectorColumn());
        } else {
            fit.featureColumns(features.scalarColumns());
        }
        if (base != null) {
            fit.warmStart(base, retraining.baseName);
        }
        // IDX rows as the driver read them: the class count and the blocks from their bytes (null for other rows)
        fit.images(source.images(trainRows), validationRows == null ? null : source.images(validationRows));
        ModelFit.Result r;
        try {
            r = assembled != null ? fit.locateBadRowsIn(assembled.locateTrain(), assembled.locateValidation())
                    .run(assembled.train(), assembled.validation()) : fit.locateBadRowsIn(train, validation).run(trainRows, validationRows);
        } finally {
            if (assembled != null) {
                assembled.release();
            }
            if (terminalProgress != null) {
                terminalProgress.endLine();
            }
        }
        out.println(summary(r.metrics(), r.metricsOn(), r.model().targetNames()) + String.format(Locale.ROOT, " after %d epochs, %d iterations (stopped by %s), %.1f s",
                r.training().epochs(), r.training().iterations(), r.training().stopReason().replace('_', ' '), r.seconds()));

        // every string the model records (data paths, a checkpoint URI) without the credentials a URI may carry
        @SuppressWarnings("unchecked")
        SavedModel model = r.model().withTraining((Map<String, Object>) config.redactStrings(r.model().training()));
        Map<String, String> timings = new LinkedHashMap<>();
        timings.put("total", String.format(Locale.ROOT, "%.1f s", r.seconds()));
        timings.put("training", String.format(Locale.ROOT, "%.1f s", r.trainSeconds()));
        timings.put("iterations", String.valueOf(r.training().iterations()));
        timings.put("per iteration", String.format(Locale.ROOT, "%.1f ms", 1000 * r.trainSeconds() / Math.max(1, r.training().iterations())));
        timings.put("partitions", String.valueOf(r.partitions()));
        timings.put("cached training data", String.format(Locale.ROOT, "%.1f MiB", r.cachedBytes() / (1024.0 * 1024)));
        timings.put("finished", model.createdAt());
        ReportWriter writer = new ReportWriter();
        var report = collector.report("sparkprop: " + model.spec() + " on " + config.redactInside(config.get(JobSettings.DATA_TRAIN)), r.metrics(),
                model.classLabels(), model.targetNames(), config.recorded(), timings);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(REPORT_HTML, writer.toHtml(report).getBytes(StandardCharsets.UTF_8));
        files.put(HISTORY_JSONL, writer.toJsonLines(report).getBytes(StandardCharsets.UTF_8));
        return new Outcome(model, r.training(), r.metrics(), r.metricsOn(), r.baseMetrics(), files);
    }

    /** The replay data has the new data's columns, in order (it is read by position as one table with it). */
    private static void requireColumnsOf(Dataset<Row> replay, Dataset<Row> train, String replayPath) {
        if (!Arrays.equals(replay.columns(), train.columns())) {
            throw new IllegalArgumentException("the replay data " + replayPath + " has columns "
                    + Arrays.toString(replay.columns()) + ", the new data " + Arrays.toString(train.columns()));
        }
    }

    /** The run's one-line result; several regression outputs: the means over them, then each output's R^2 by name. */
    static String summary(EvaluationMetrics m, String on, List<String> targetNames) {
        if (m.isClassification()) {
            return String.format(Locale.ROOT, "%s accuracy %.4f, loss %.4f (%d rows)", on, m.accuracy(), m.loss(), m.rows());
        }
        int k = m.outputs();
        if (k == 1) {
            return String.format(Locale.ROOT, "%s RMSE %.5g, MAE %.5g, R^2 %.4f (%d rows)", on, m.rmse(), m.mae(), m.r2(), m.rows());
        }
        StringBuilder each = new StringBuilder();
        for (int j = 0; j < k; j++) {
            each.append(j == 0 ? "" : ", ").append(j < targetNames.size() ? targetNames.get(j) : String.valueOf(j))
                    .append(String.format(Locale.ROOT, " %.4f", m.r2(j)));
        }
        return String.format(Locale.ROOT, "%s RMSE %.5g, MAE %.5g, R^2 %.4f (means over %d outputs; R^2 of %s) (%d rows)", on, m.rmse(),
                m.mae(), m.r2(), k, each, m.rows());
    }
}
