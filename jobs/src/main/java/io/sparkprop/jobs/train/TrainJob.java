package io.sparkprop.jobs.train;

import io.sparkprop.core.data.Standardizer;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.data.FeatureStandardization;
import io.sparkprop.driver.data.BlockBuilder;
import io.sparkprop.driver.data.DataBlocks;
import io.sparkprop.driver.model.ModelStore;
import io.sparkprop.driver.model.SavedModel;
import io.sparkprop.driver.train.DistributedTrainer;
import io.sparkprop.driver.train.EvaluationMetrics;
import io.sparkprop.driver.train.TrainingConfig;
import io.sparkprop.driver.train.TrainingResult;
import io.sparkprop.jobs.config.JobConfig;
import io.sparkprop.jobs.data.DataSource;
import io.sparkprop.jobs.data.FeatureColumns;
import io.sparkprop.jobs.report.ReportWriter;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
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

    public TrainJob(SparkSession spark, JobConfig config, PrintWriter out) {
        this.spark = spark;
        this.config = config;
        this.out = out;
    }

    /** Trains and writes the model to output.model; returns what was written. */
    public Outcome run() throws IOException {
        String output = config.getString("output.model");
        ModelStore store = new ModelStore(spark.sparkContext().hadoopConfiguration());
        boolean overwrite = config.getBoolean("output.overwrite");
        if (!overwrite && store.exists(output)) {
            throw new IllegalArgumentException("output path " + output + " already holds a model; pass --overwrite to replace it");
        }
        Outcome outcome = train();
        store.write(outcome.model, output, overwrite, outcome.reportFiles);
        out.println("model written to " + output + " (report: " + output + "/" + REPORT_HTML + ")");
        return outcome;
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
        long start = System.nanoTime();
        DataSource source = new DataSource(spark);
        String format = config.getString("data.format");
        String label = config.getString("data.label");
        boolean header = config.getBoolean("data.csv.header");
        String delimiter = config.getString("data.csv.delimiter");
        int partitions = config.getInt("data.partitions");
        long seed = config.getLong("train.seed");

        Dataset<Row> train = source.read(format, config.getString("data.train"), header, delimiter, partitions);
        Dataset<Row> validation = null;
        String validationPath = config.getOptional("data.validation");
        if (validationPath != null) {
            validation = source.read(format, validationPath, header, delimiter, partitions);
        }
        String featureSpec = format.equals("idx") || format.equals("libsvm") ? "features" : config.getString("data.features");
        FeatureColumns features = FeatureColumns.resolve(train, featureSpec, label);
        List<String> text = new ArrayList<>(features.textColumns(train));
        if (train.schema().apply(label).dataType() instanceof org.apache.spark.sql.types.StringType) {
            text.add(label);
        }
        if (!text.isEmpty()) {
            train = source.numericCsvColumns(train, text, header, delimiter);
            if (validation != null) {
                validation = source.numericCsvColumns(validation, text, header, delimiter);
            }
        }
        if (retraining != null && retraining.replayPath != null && retraining.replayFraction > 0) {
            Dataset<Row> replay = source.read(format, retraining.replayPath, header, delimiter, partitions);
            if (!text.isEmpty()) {
                replay = source.numericCsvColumns(replay, text, header, delimiter);
            }
            if (!Arrays.equals(replay.columns(), train.columns())) {
                throw new IllegalArgumentException("the replay data " + retraining.replayPath + " has columns "
                        + Arrays.toString(replay.columns()) + ", the new data " + Arrays.toString(train.columns()));
            }
            train = train.union(replay.sample(false, retraining.replayFraction, seed));
        }
        if (validation == null) {
            double fraction = config.getDouble("data.validation.fraction");
            if (fraction > 0) {
                Dataset<Row>[] split = train.randomSplit(new double[] {1 - fraction, fraction}, seed);
                train = split[0];
                validation = split[1];
            }
        }
        if (partitions > 0 && !format.equals("idx")) {
            train = train.repartition(partitions);
        }

        int width = features.width(train);
        List<String> featureNames = features.names(width);
        String featureColumn = features.isVector() ? features.vectorColumn() : null;
        List<String> scalarColumns = features.scalarColumns();

        if (base != null) {
            checkMatchesBase(base, retraining.baseName, width, featureNames);
        }
        boolean classification = base != null ? base.task() == SavedModel.Task.CLASSIFICATION
                : config.getString("model.task").equals("classification");
        List<String> classLabels = new ArrayList<>();
        int outputs = 1;
        if (classification) {
            Dataset<Row> labels = validation == null ? train.select(label) : train.select(label).union(validation.select(label));
            Row max = labels.agg(functions.max(functions.col(label).cast(DataTypes.DoubleType))).first();
            if (max.isNullAt(0)) {
                throw new IllegalArgumentException("the training data is empty (no labels in column '" + label + "')");
            }
            double top = max.getDouble(0);
            if (top != Math.rint(top) || top < 1) {
                throw new IllegalArgumentException("classification needs class indices 0, 1, ... in column '" + label
                        + "'; its largest value is " + top + " (set model.task=regression for numeric targets)");
            }
            outputs = (int) top + 1;
            if (base != null) {
                int known = base.spec().width(base.spec().layers());
                if (outputs > known) {
                    throw new IllegalArgumentException("the new data has class index " + (int) top + " in column '" + label
                            + "'; " + retraining.baseName + " knows classes 0.." + (known - 1));
                }
                outputs = known;
            }
            for (int k = 0; k < outputs; k++) {
                classLabels.add(String.valueOf(k));
            }
        }

        NetworkSpec spec = base != null ? base.spec() : networkSpec(width, outputs, classification);
        TrainingConfig trainingConfig = trainingConfig(spec, retraining == null ? null : retraining.checkpointDir);
        out.println("network: " + spec + " (" + spec.layout().size() + " parameters)");

        BlockBuilder builder = BlockBuilder.forNetwork(spec).label(label);
        builder = featureColumn != null ? builder.features(featureColumn) : builder.featureColumns(scalarColumns.toArray(new String[0]));
        DataBlocks trainBlocks = builder.build(train);
        DataBlocks validationBlocks = validation == null ? null : builder.build(validation);
        float[] mean = null;
        float[] std = null;
        boolean standardize = base != null ? base.standardized() : config.getBoolean("data.standardize");
        if (standardize) {
            // A warm start keeps the statistics its parameters were trained with.
            Standardizer standardizer = base != null ? new Standardizer(base.featureMean(), base.featureStd())
                    : FeatureStandardization.fit(trainBlocks);
            trainBlocks = FeatureStandardization.apply(trainBlocks, standardizer);
            validationBlocks = validationBlocks == null ? null : FeatureStandardization.apply(validationBlocks, standardizer);
            mean = standardizer.mean();
            std = standardizer.std();
        }
        out.println("training on " + trainBlocks.rows() + " rows in " + trainBlocks.partitions() + " partitions ("
                + trainBlocks.sizeInBytes() / (1024 * 1024) + " MiB cached)"
                + (validationBlocks == null ? "" : ", validating on " + validationBlocks.rows() + " rows"));

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ReportCollector collector = new ReportCollector();
        long trainStart = System.nanoTime();
        DistributedTrainer trainer = new DistributedTrainer(jsc, trainingConfig).addListener(collector);
        float[] initial = base == null ? null : base.params();
        if (base != null) {
            out.println("warm start from " + retraining.baseName);
        }
        TrainingResult result = trainingConfig.checkpointDir() != null
                ? trainer.resume(trainBlocks, validationBlocks, initial)
                : trainer.fit(trainBlocks, validationBlocks, initial);
        double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
        DataBlocks evalBlocks = validationBlocks != null ? validationBlocks : trainBlocks;
        String evalOn = validationBlocks != null ? "validation" : "training";
        EvaluationMetrics metrics = trainer.evaluate(result.parameters(), evalBlocks);
        EvaluationMetrics baseMetrics = base == null ? null : trainer.evaluate(base.params(), evalBlocks);
        double seconds = (System.nanoTime() - start) / 1e9;
        out.println(summary(metrics, evalOn) + String.format(" after %d epochs, %d iterations (stopped by %s), %.1f s",
                result.epochs(), result.iterations(), result.stopReason().replace('_', ' '), seconds));

        Map<String, Object> training = new LinkedHashMap<>();
        training.put("dataTrain", config.getString("data.train"));
        training.put("dataValidation", validationPath == null ? "" : validationPath);
        training.put("seed", seed);
        training.put("iterations", result.iterations());
        training.put("epochs", result.epochs());
        training.put("stopReason", result.stopReason());
        training.put("seconds", Math.round(seconds * 10) / 10.0);
        training.put("metricsOn", evalOn);
        training.put("metrics", metricsMap(metrics));
        training.put("configuration", new LinkedHashMap<>(config.redacted()));
        SavedModel model = new SavedModel(spec, result.parameters(),
                classification ? SavedModel.Task.CLASSIFICATION : SavedModel.Task.REGRESSION,
                featureNames, classLabels, mean, std, training, Instant.now().toString(), version());
        Map<String, String> timings = new LinkedHashMap<>();
        timings.put("total", String.format("%.1f s", seconds));
        timings.put("training", String.format("%.1f s", trainSeconds));
        timings.put("iterations", String.valueOf(result.iterations()));
        timings.put("per iteration", String.format("%.1f ms", 1000 * trainSeconds / Math.max(1, result.iterations())));
        timings.put("partitions", String.valueOf(trainBlocks.partitions()));
        timings.put("cached training data", String.format("%.1f MiB", trainBlocks.sizeInBytes() / (1024.0 * 1024)));
        timings.put("finished", model.createdAt());
        ReportWriter writer = new ReportWriter();
        var report = collector.report("sparkprop: " + spec + " on " + config.getString("data.train"), metrics,
                classLabels, config.redacted(), timings);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(REPORT_HTML, writer.toHtml(report).getBytes(StandardCharsets.UTF_8));
        files.put(HISTORY_JSONL, writer.toJsonLines(report).getBytes(StandardCharsets.UTF_8));
        trainBlocks.unpersist();
        if (validationBlocks != null) {
            validationBlocks.unpersist();
        }
        return new Outcome(model, result, metrics, evalOn, baseMetrics, files);
    }

    NetworkSpec networkSpec(int inputWidth, int outputs, boolean classification) {
        int[] hidden = config.getIntList("model.hidden");
        int[] widths = Arrays.copyOf(hidden, hidden.length + 1);
        widths[hidden.length] = outputs;
        String[] activations = new String[widths.length];
        Arrays.fill(activations, config.getString("model.activation"));
        activations[hidden.length] = classification ? "softmax" : "identity";
        return new NetworkSpec(inputWidth, widths, activations, classification ? "softmax_cross_entropy" : "mse");
    }

    /** The new data must have the base model's feature width and, where both are known, names. */
    private static void checkMatchesBase(SavedModel base, String baseName, int width, List<String> featureNames) {
        if (width != base.spec().inputWidth()) {
            throw new IllegalArgumentException("the new data has " + width + " features, " + baseName + " expects "
                    + base.spec().inputWidth());
        }
        List<String> expected = base.featureNames();
        if (!expected.isEmpty() && !expected.equals(featureNames)) {
            for (int i = 0; i < width; i++) {
                if (!expected.get(i).equals(featureNames.get(i))) {
                    throw new IllegalArgumentException("the new data's feature " + (i + 1) + " is '" + featureNames.get(i)
                            + "', " + baseName + " expects '" + expected.get(i) + "'");
                }
            }
        }
    }

    TrainingConfig trainingConfig(NetworkSpec spec, String checkpointDirOverride) {
        String schedule = config.getString("train.schedule");
        String init = config.getString("model.init");
        TrainingConfig.Builder b = TrainingConfig.builder(spec)
                .optimizer(config.getString("train.optimizer"))
                .learningRate(config.getDouble("train.learningRate"))
                .momentum(config.getDouble("train.momentum"))
                .adam(config.getDouble("train.beta1"), config.getDouble("train.beta2"), config.getDouble("train.epsilon"))
                .schedule(schedule)
                .warmupSteps(config.getLong("train.warmupSteps"))
                .weightDecay(config.getDouble("train.weightDecay"))
                .clipNorm(config.getDouble("train.clipNorm"))
                .batchSize(config.getInt("train.batchSize"))
                .epochs(config.getInt("train.epochs"))
                .maxIterations(config.getLong("train.maxIterations"))
                .seed(config.getLong("train.seed"))
                .weightInit(init.equals("auto") ? "default" : init)
                .patience(config.getInt("train.patience"))
                .logInterval(config.getLong("train.logInterval"));
        switch (schedule) {
            case "step":
                b.decaySteps(config.getLong("train.schedule.stepSize")).decayRate(config.getDouble("train.schedule.gamma"));
                break;
            case "exponential":
                b.decayRate(config.getDouble("train.schedule.gamma"));
                break;
            case "inverse_time":
                b.decayRate(config.getDouble("train.schedule.k"));
                break;
            case "cosine":
                b.minLearningRate(config.getDouble("train.schedule.minRate"));
                break;
            default:
                break;
        }
        String checkpoints = checkpointDirOverride != null ? checkpointDirOverride : config.getOptional("train.checkpoint.dir");
        if (checkpoints != null) {
            b.checkpointDir(checkpoints).checkpointInterval(config.getLong("train.checkpoint.interval"));
        }
        return b.build();
    }

    static String summary(EvaluationMetrics m, String on) {
        if (m.isClassification()) {
            return String.format("%s accuracy %.4f, loss %.4f (%d rows)", on, m.accuracy(), m.loss(), m.rows());
        }
        return String.format("%s RMSE %.5g, MAE %.5g, R^2 %.4f (%d rows)", on, m.rmse(), m.mae(), m.r2(), m.rows());
    }

    /** Rows and metrics, as model metadata and history lines record them. */
    static Map<String, Object> metricsMap(EvaluationMetrics m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rows", m.rows());
        out.putAll(ReportCollector.metrics(m));
        return out;
    }

    static String version() {
        String v = TrainJob.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
