package io.sparkprop.driver.train;

import io.sparkprop.core.data.CacheFormat;
import io.sparkprop.core.data.Standardizer;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.config.ClassWeights;
import io.sparkprop.driver.data.BadInputException;
import io.sparkprop.driver.data.BadRowSearch;
import io.sparkprop.driver.data.BlockBuilder;
import io.sparkprop.driver.data.ConstantFeatures;
import io.sparkprop.driver.data.RowCheck;
import io.sparkprop.driver.data.DataBlocks;
import io.sparkprop.driver.data.FeatureCompaction;
import io.sparkprop.driver.data.FeatureStandardization;
import io.sparkprop.driver.data.RowFeatures;
import io.sparkprop.driver.model.SavedModel;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import static io.sparkprop.driver.config.TrainingSettings.*;

/**
 * One fit, the same for every front door (the command line's {@code train} and {@code retrain}, the
 * Spark ML estimators): from rows to a {@link SavedModel}.
 * <pre>
 *   validation split (when no validation rows are given and data.validation.fraction > 0, seeded)
 *   feature width and, for classification, the class count K (model.classes, else max(label) + 1 over all
 *   labelled rows), bounded; for regression the output count k: 1 for a numeric label column, the length of
 *   a vector or array label column (declared in its metadata, else the first row's), or the number of label
 *   columns; the network's size and memory checked in long before anything is allocated
 *   network spec: input -> hidden layers (model.hidden, model.activation) -> K softmax or k identity outputs
 *                 (squared error summed over the k outputs)
 *   class weights (train.classWeights) resolved against the training rows per class
 *   cached blocks, rows weighted by the weight column times their class weight (validation rows by the
 *   weight column only); standardisation fitted on the training blocks (data.standardize, per feature or one
 *   shared scale by data.standardizeScale; for regression also each target output, data.standardizeTarget:
 *   the network learns z = (y - mean) / std)
 *   DistributedTrainer: fresh, warm-started from a base model, or resumed from checkpoints
 *   metrics on the validation blocks (else the training blocks); the SavedModel with its provenance
 * </pre>
 * A warm start keeps the base model's network, task, class count and standardisation statistics
 * (features and targets; a base model without target statistics keeps raw targets).
 * The cached blocks are released whatever happens. A bad value (a feature, a label, a weight) is
 * reported at its place in the rows as given, before the split and any repartition: the file and line
 * (or Parquet/ORC row) where the rows come from files ({@link BadRowSearch}, named by
 * {@link #rowNames}), else the partition and row of the Dataset given to {@link #run}.
 */
public final class ModelFit {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ModelFit.class);

    private final TrainingConfig settings;
    private final SavedModel.Task task;
    private List<String> labels = List.of("label");
    private String vectorColumn = "features";
    private List<String> scalarColumns = List.of();
    private String weight;
    private int partitions;
    private boolean resume;
    private SavedModel base;
    private String baseName;
    private Map<String, Object> provenance = Map.of();
    private Consumer<String> progress = line -> { };
    private boolean logProgress = true;
    private Consumer<String> warning = line -> LOG.warn(line);
    private BadRowSearch.RowNames rowNames = BadRowSearch.ROW_INDEX;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private boolean imageFeatures;

    /** What a fit produced. */
    public record Result(SavedModel model, TrainingResult training, EvaluationMetrics metrics, String metricsOn,
                         EvaluationMetrics baseMetrics, long trainRows, int partitions, long cachedBytes,
                         double trainSeconds, double seconds) {
    }

    /** @param settings the fit's settings (no network yet: the fit derives it) */
    public ModelFit(TrainingConfig settings, SavedModel.Task task) {
        this.settings = settings;
        this.task = task;
    }

    /** The label column: a class index (classification); a number, or a Vector or array of k numbers (regression). */
    public ModelFit label(String column) {
        this.labels = List.of(column);
        return this;
    }

    /** Label columns: one as {@link #label(String)}; several numeric columns are the k targets of a regression. */
    public ModelFit labels(List<String> columns) {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("at least one label column is needed");
        }
        this.labels = List.copyOf(columns);
        return this;
    }

    /** Features from one vector or array column. */
    public ModelFit features(String column) {
        this.vectorColumn = column;
        this.scalarColumns = List.of();
        return this;
    }

    /** Features from numeric columns, one feature each. */
    public ModelFit featureColumns(List<String> columns) {
        this.vectorColumn = null;
        this.scalarColumns = List.copyOf(columns);
        return this;
    }

    /** Row weights from this numeric column (w >= 0, finite); null or empty for none. */
    public ModelFit weight(String column) {
        this.weight = column == null || column.isEmpty() ? null : column;
        return this;
    }

    /** Repartition the training rows (after the validation split) into this many partitions; 0 keeps them. */
    public ModelFit partitions(int n) {
        this.partitions = n;
        return this;
    }

    /** The features are the pixels of images (IDX input): data.standardizeScale = auto then shares one scale. */
    public ModelFit imageFeatures(boolean images) {
        this.imageFeatures = images;
        return this;
    }

    /** Continue from the newest checkpoint in train.checkpoint.dir when there is one. */
    public ModelFit resume(boolean resume) {
        this.resume = resume;
        return this;
    }

    /** Start from {@code model}'s parameters, network and standardisation (a retraining run). */
    public ModelFit warmStart(SavedModel model, String name) {
        this.base = model;
        this.baseName = name;
        return this;
    }

    /** Entries the caller records first in the model's {@code training} metadata (data paths, estimator). */
    public ModelFit provenance(Map<String, Object> entries) {
        this.provenance = new LinkedHashMap<>(entries);
        return this;
    }

    /** Where the fit's few progress lines go (network, data, warm start). */
    public ModelFit progress(Consumer<String> sink) {
        this.progress = sink;
        return this;
    }

    /** Whether the trainer logs its progress lines; false when a listener shows progress instead. */
    public ModelFit logProgress(boolean enabled) {
        this.logProgress = enabled;
        return this;
    }

    /** Where warnings about the data go (classes no row has), one line each; the log by default. */
    public ModelFit warnings(Consumer<String> sink) {
        this.warning = sink;
        return this;
    }

    /** How a bad row of an input file is named (the command line names text files' lines); file and row index by default. */
    public ModelFit rowNames(BadRowSearch.RowNames names) {
        this.rowNames = names;
        return this;
    }

    public ModelFit listener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Fits on {@code train}; {@code validation} may be null (then data.validation.fraction splits one off). */
    public Result run(Dataset<Row> train, Dataset<Row> validation) {
        long start = System.nanoTime();
        // the rows as given: where a bad value is reported, whatever the split and partitioning do to them
        Dataset<Row> trainInput = train;
        Dataset<Row> validationInput = validation;
        double fraction = settings.get(VALIDATION_FRACTION);
        if (validation == null && fraction > 0) {
            Dataset<Row>[] split = train.randomSplit(new double[] {1 - fraction, fraction}, settings.get(SEED));
            train = split[0];
            validation = split[1];
        }
        if (partitions > 0) {
            train = train.repartition(partitions);
        }
        int width = featureWidth(train);
        List<String> featureNames = featureNames(width);
        boolean classification = (base != null ? base.task() : task) == SavedModel.Task.CLASSIFICATION;
        String label = labels.get(0);
        int outputs;
        List<String> targetNames;
        if (classification) {
            checkClassLabel(train);
            // every labelled row, counted on the rows as given: the same rows as the split's two sides, without the
            // sort randomSplit adds to each partition
            List<Dataset<Row>> inputs = validationInput == null ? List.of(trainInput) : List.of(trainInput, validationInput);
            outputs = classCount(validationInput == null ? trainInput.select(column(label))
                    : trainInput.select(column(label)).union(validationInput.select(column(label))), inputs);
            targetNames = List.of();
        } else {
            outputs = labels.size() > 1 ? labels.size() : targetWidth(train);
            targetNames = targetNames(outputs);
        }
        if (base != null) {
            checkMatchesBase(width, featureNames, outputs, targetNames);
        }
        int[] sizes;
        if (base != null) {
            sizes = base.spec().sizes();
        } else {
            int[] hidden = settings.get(HIDDEN);
            sizes = new int[hidden.length + 2];
            sizes[0] = width;
            System.arraycopy(hidden, 0, sizes, 1, hidden.length);
            sizes[sizes.length - 1] = outputs;
        }
        // the driver's and the executors' memory, before any array is allocated or block cached
        // (the input batch is counted, and the aggregation checked, once the blocks are built: DistributedTrainer)
        NetworkMemory.of(settings, sizes, base != null ? base.spec().targetWidth() : 1, validation != null, NetworkMemory.Input.UNKNOWN)
                .check(NetworkMemory.Resources.of(train.sparkSession().sparkContext()), HIDDEN.key(), BATCH_SIZE.key());
        NetworkSpec spec = base != null ? base.spec() : networkSpec(width, outputs, classification);
        List<String> classLabels = new ArrayList<>();
        for (int k = 0; classification && k < spec.outputWidth(); k++) {
            classLabels.add(String.valueOf(k));
        }
        TrainingConfig config = settings.toBuilder().network(spec).build();
        progress.accept("network: " + spec + " (" + spec.layout().size() + " parameters)");

        String classWeightsText = config.get(CLASS_WEIGHTS);
        double[] classWeights = null;
        long[] classRows = null;
        if (!ClassWeights.isNone(classWeightsText)) {
            if (!classification) {
                throw new IllegalArgumentException(CLASS_WEIGHTS.key() + " = '" + classWeightsText + "' applies to classification"
                        + " only, this fit is a regression (set it to none)");
            }
            classRows = classRows(train, spec.outputWidth());
            classWeights = ClassWeights.resolve(classWeightsText, classRows);
            progress.accept("class weights (" + CLASS_WEIGHTS.key() + " = " + classWeightsText + "): " + Arrays.toString(classWeights));
        }

        BlockBuilder builder = BlockBuilder.forNetwork(spec).labelColumns(labels.toArray(new String[0])).weight(weight);
        builder = vectorColumn != null ? builder.features(vectorColumn) : builder.featureColumns(scalarColumns.toArray(new String[0]));
        DataBlocks trainBlocks = null;
        DataBlocks validationBlocks = null;
        try {
            trainBlocks = builder.locateBadRowsIn(trainInput, rowNames)
                    .classWeights(classWeights == null ? null : toFloats(classWeights)).build(train);
            validationBlocks = validation == null ? null : builder.locateBadRowsIn(validationInput != null ? validationInput : trainInput,
                    rowNames).classWeights(null).build(validation);
            ConstantFeatures.warnIfAll(trainBlocks, featureNames, warning);
            float[] mean = null;
            float[] std = null;
            Standardizer standardizer = null;
            if (base != null ? base.standardized() : config.get(STANDARDIZE)) {
                standardizer = base != null ? new Standardizer(base.featureMean(), base.featureStd())
                        : FeatureStandardization.fit(trainBlocks, sharedScale());
                mean = standardizer.mean();
                std = standardizer.std();
                if (base == null && sharedScale()) {
                    progress.accept("features standardised with one shared scale " + sharedScaleOf(std) + " ("
                            + STANDARDIZE_SCALE.key() + " = " + config.get(STANDARDIZE_SCALE) + ")");
                }
            }
            CacheFormat cacheFormat = CacheFormat.of(config.get(CACHE_FORMAT));
            long float32Bytes = trainBlocks.float32SizeInBytes();
            if (cacheFormat != CacheFormat.FLOAT32) {
                // standardised and compacted in one pass: uint8's ranges are fitted on the raw training values
                FeatureCompaction compaction = FeatureCompaction.fit(trainBlocks, cacheFormat);
                trainBlocks = compaction.apply(trainBlocks, standardizer);
                validationBlocks = validationBlocks == null ? null : compaction.apply(validationBlocks, standardizer);
                if (compaction.exactColumns() >= 0) {
                    progress.accept("uint8 cache: " + compaction.exactColumns() + " of " + spec.inputWidth()
                            + " feature columns exact (constant, whole numbers or pixels / 255), the others to within"
                            + " half of (max - min) / 255");
                }
            } else if (standardizer != null) {
                trainBlocks = FeatureStandardization.apply(trainBlocks, standardizer);
                validationBlocks = validationBlocks == null ? null : FeatureStandardization.apply(validationBlocks, standardizer);
            }
            Standardizer targets = null;
            if (!classification && (base != null ? base.targetStandardized() : config.get(STANDARDIZE_TARGET))) {
                targets = base != null ? base.targetStandardizer() : FeatureStandardization.fitTargets(trainBlocks);
                trainBlocks = FeatureStandardization.applyToTargets(trainBlocks, targets);
                validationBlocks = validationBlocks == null ? null : FeatureStandardization.applyToTargets(validationBlocks, targets);
                progress.accept("targets standardised: mean " + Arrays.toString(targets.mean()) + ", std "
                        + Arrays.toString(targets.std()) + " (the loss is in these units, predictions and metrics in the label's)");
            }
            progress.accept("training on " + trainBlocks.rows() + " rows in " + trainBlocks.partitions() + " partitions ("
                    + cachedSize(trainBlocks.sizeInBytes(), float32Bytes, cacheFormat) + ")"
                    + (validationBlocks == null ? "" : ", validating on " + validationBlocks.rows() + " rows"));
            if (base != null) {
                progress.accept("warm start from " + baseName);
            }

            DistributedTrainer trainer = new DistributedTrainer(JavaSparkContext.fromSparkContext(train.sparkSession().sparkContext()), config)
                    .targetStandardization(targets);
            listeners.forEach(trainer::addListener);
            trainer.logProgress(logProgress);
            float[] initial = base == null ? null : base.params();
            long trainStart = System.nanoTime();
            TrainingResult result = resume && config.checkpointDir() != null
                    ? trainer.resume(trainBlocks, validationBlocks, initial)
                    : trainer.fit(trainBlocks, validationBlocks, initial);
            double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
            DataBlocks evalBlocks = validationBlocks != null ? validationBlocks : trainBlocks;
            String metricsOn = validationBlocks != null ? "validation" : "training";
            EvaluationMetrics metrics = trainer.evaluate(result.parameters(), evalBlocks);
            EvaluationMetrics baseMetrics = base == null ? null : trainer.evaluate(base.params(), evalBlocks);
            double seconds = (System.nanoTime() - start) / 1e9;

            Map<String, Object> training = new LinkedHashMap<>(provenance);
            training.put("seed", config.get(SEED));
            training.put("iterations", result.iterations());
            training.put("epochs", result.epochs());
            training.put("stopReason", result.stopReason());
            training.put("localSteps", result.localSteps());
            training.put("seconds", Math.round(seconds * 10) / 10.0);
            if (weight != null) {
                training.put("weightColumn", weight);
            }
            if (classWeights != null) {
                Map<String, Object> cw = new LinkedHashMap<>();
                cw.put("setting", classWeightsText);
                cw.put("weights", classWeights);
                cw.put("classRows", classRows);
                training.put("classWeights", cw);
            }
            Map<String, Object> cache = new LinkedHashMap<>();
            cache.put("format", cacheFormat.settingName());
            cache.put("bytes", trainBlocks.sizeInBytes());
            cache.put("float32Bytes", float32Bytes);
            training.put("cache", cache);
            training.put("metricsOn", metricsOn);
            training.put("metrics", metrics.toMapWithRows());
            training.put("configuration", config.toMap());
            SavedModel model = new SavedModel(spec, result.parameters(),
                    classification ? SavedModel.Task.CLASSIFICATION : SavedModel.Task.REGRESSION,
                    featureNames, classLabels, targetNames, mean, std, targets == null ? null : targets.mean(),
                    targets == null ? null : targets.std(), training, Instant.now().toString(), SavedModel.runningVersion());
            return new Result(model, result, metrics, metricsOn, baseMetrics, trainBlocks.rows(), trainBlocks.partitions(),
                    trainBlocks.sizeInBytes(), trainSeconds, seconds);
        } finally {
            if (trainBlocks != null) {
                trainBlocks.unpersist();
            }
            if (validationBlocks != null) {
                validationBlocks.unpersist();
            }
        }
    }

    /** "12.3 MiB cached as uint8, 25.1 % of float32's 49.0 MiB", or "49.0 MiB cached" for float32. */
    static String cachedSize(long bytes, long float32Bytes, CacheFormat format) {
        double mib = bytes / (1024.0 * 1024.0);
        if (format == CacheFormat.FLOAT32) {
            return String.format(Locale.ROOT, "%.1f MiB cached", mib);
        }
        return String.format(Locale.ROOT, "%.1f MiB cached as %s, %.1f %% of float32's %.1f MiB", mib, format.settingName(),
                100.0 * bytes / float32Bytes, float32Bytes / (1024.0 * 1024.0));
    }

    /** input -> hidden layers (model.hidden, model.activation) -> outputs (softmax or identity). */
    private NetworkSpec networkSpec(int inputWidth, int outputs, boolean classification) {
        int[] hidden = settings.get(HIDDEN);
        int[] widths = Arrays.copyOf(hidden, hidden.length + 1);
        widths[hidden.length] = outputs;
        String[] activations = new String[widths.length];
        Arrays.fill(activations, settings.get(ACTIVATION));
        activations[hidden.length] = classification ? "softmax" : "identity";
        return new NetworkSpec(inputWidth, widths, activations, classification ? "softmax_cross_entropy" : "mse");
    }

    /** The vector width (declared in the column's metadata, else the first row's), or the scalar column count. */
    private int featureWidth(Dataset<Row> data) {
        if (vectorColumn == null) {
            return scalarColumns.size();
        }
        int declared = RowFeatures.declaredWidth(data.schema(), vectorColumn);
        if (declared >= 0) {
            return declared;
        }
        // the first row that has one: a null vector is reported with its place when the blocks are built
        List<Row> first = data.select(column(vectorColumn)).where(column(vectorColumn).isNotNull()).limit(1).collectAsList();
        if (first.isEmpty()) {
            throw new IllegalArgumentException("the training data has no feature vector in column '" + vectorColumn
                    + "': it is empty or every row's is null");
        }
        Object v = first.get(0).get(0);
        if (v instanceof Vector vector) {
            return vector.size();
        }
        if (v instanceof scala.collection.Seq<?> seq) {
            return seq.size();
        }
        if (v instanceof List<?> list) {
            return list.size();
        }
        throw new IllegalArgumentException("features column '" + vectorColumn + "' holds " + v.getClass().getSimpleName()
                + ", expected a vector or an array of numbers");
    }

    /**
     * Classification takes one numeric label column of class indices: several label columns, or a
     * vector or array label, are the targets of a regression, and the message says so.
     */
    private void checkClassLabel(Dataset<Row> data) {
        String regression = "; several targets per row are a regression (model.task=regression on the command line,"
                + " SparkpropRegressor in Spark ML)";
        if (labels.size() > 1) {
            throw new IllegalArgumentException("label columns " + String.join(",", labels) + ": classification takes one"
                    + " label column of class indices" + regression);
        }
        String label = labels.get(0);
        if (!java.util.Arrays.asList(data.columns()).contains(label)) {
            throw new IllegalArgumentException("label column '" + label + "' not found; available columns: "
                    + java.util.Arrays.toString(data.columns()));
        }
        DataType t = data.schema().apply(label).dataType();
        if (t instanceof VectorUDT || t instanceof ArrayType) {
            throw new IllegalArgumentException("label column '" + label + "' has type " + t.simpleString()
                    + ": classification takes one class index per row" + regression);
        }
    }

    /**
     * k, the outputs of a regression on one label column: 1 for a number; for an ML Vector its declared
     * width (VectorAssembler's metadata), else the first row's length, as for an array; every other row
     * is checked against it when the blocks are built.
     */
    private int targetWidth(Dataset<Row> data) {
        String label = labels.get(0);
        if (!java.util.Arrays.asList(data.columns()).contains(label)) {
            throw new IllegalArgumentException("label column '" + label + "' not found; available columns: "
                    + java.util.Arrays.toString(data.columns()));
        }
        DataType t = data.schema().apply(label).dataType();
        if (t instanceof NumericType) {
            return 1;
        }
        boolean array = t instanceof ArrayType && ((ArrayType) t).elementType() instanceof NumericType;
        if (!(t instanceof VectorUDT) && !array) {
            throw new IllegalArgumentException("label column '" + label + "' has type " + t.simpleString()
                    + ", expected a number, an ML Vector or array<double|float> (one value per output)");
        }
        int declared = RowFeatures.declaredWidth(data.schema(), label);
        int k = declared;
        if (k < 0) {
            List<Row> first = data.select(column(label)).na().drop().limit(1).collectAsList();
            if (first.isEmpty()) {
                throw new IllegalArgumentException("the training data is empty (no labels in column '" + label + "')");
            }
            Object v = first.get(0).get(0);
            k = v instanceof Vector vector ? vector.size()
                    : v instanceof scala.collection.Seq<?> seq ? seq.size() : ((List<?>) v).size();
        }
        if (k < 1) {
            throw new IllegalArgumentException("label column '" + label + "' holds vectors of length 0, expected one value"
                    + " per output (at least 1)");
        }
        return k;
    }

    /** The outputs' names: the label columns, {@code column[j]} for a vector or array column, or the one column. */
    private List<String> targetNames(int outputs) {
        if (labels.size() > 1 || outputs == 1) {
            return labels;
        }
        List<String> out = new ArrayList<>(outputs);
        for (int j = 0; j < outputs; j++) {
            out.add(labels.get(0) + "[" + j + "]");
        }
        return out;
    }

    /** Names of the features: the scalar columns, or {@code column[i]} for a vector column. */
    private List<String> featureNames(int width) {
        if (vectorColumn == null) {
            return scalarColumns;
        }
        List<String> out = new ArrayList<>(width);
        for (int i = 0; i < width; i++) {
            out.add(vectorColumn + "[" + i + "]");
        }
        return out;
    }

    /**
     * The class count K, checked before any network is sized by it: model.classes when set (every
     * label below it), else max(label) + 1, which must be at most {@link io.sparkprop.driver.config.TrainingSettings#MAX_CLASSES}
     * and at most the number of labelled rows (a label far above the row count is a numeric target,
     * not a class). Labels must be whole numbers >= 0. Classes 0..K-1 that no row has are named in
     * a warning unless model.classes declared K. One Spark job: the distinct labels with their
     * counts, at most MAX_CLASSES + 2 of them brought back; a label refused is then found in
     * {@code inputs} (the rows as given) to name its place.
     */
    private int classCount(Dataset<Row> labelRows, List<Dataset<Row>> inputs) {
        String label = this.labels.get(0);
        List<Row> distinct = labelRows.select(column(label).cast(DataTypes.DoubleType).as("k")).na().drop()
                .groupBy("k").count().limit(MAX_CLASSES + 2).collectAsList();
        if (distinct.isEmpty()) {
            throw new IllegalArgumentException("the training data is empty (no labels in column '" + label + "')");
        }
        if (distinct.size() > MAX_CLASSES + 1) {
            throw new IllegalArgumentException("column '" + label + "' has more than " + (MAX_CLASSES + 1) + " distinct values;"
                    + " a classifier takes at most " + MAX_CLASSES + " classes (" + CLASSES.key() + ")" + LabelCheck.REGRESSION);
        }
        double top = Double.NEGATIVE_INFINITY;
        long rows = 0;
        java.util.BitSet present = new java.util.BitSet();
        LabelCheck classIndex = new LabelCheck(LabelCheck.Rule.CLASS_INDEX, 0, 0);
        for (Row r : distinct) {
            double k = r.getDouble(0);
            if (classIndex.problem(k) != null) {
                throw badLabel(classIndex, k, inputs);
            }
            top = Math.max(top, k);
            rows += r.getLong(1);
            if (k <= MAX_CLASSES) {
                present.set((int) k);
            }
        }
        int declared = settings.get(CLASSES);
        if (declared > 0) {
            if (top >= declared) {
                throw badLabel(new LabelCheck(LabelCheck.Rule.DECLARED, declared, rows), top, inputs);
            }
            return declared;
        }
        if (top < 1) {
            throw new IllegalArgumentException("classification needs class indices 0, 1, ... in column '" + label
                    + "'; its largest value is " + top + ", so there is only one class" + LabelCheck.REGRESSION);
        }
        LabelCheck count = new LabelCheck(LabelCheck.Rule.COUNT, Math.min(MAX_CLASSES, rows), rows);
        if (count.problem(top) != null) {
            throw badLabel(count, top, inputs);
        }
        int k = (int) top + 1;
        List<Integer> absent = new ArrayList<>();
        for (int c = present.nextClearBit(0); c < k; c = present.nextClearBit(c + 1)) {
            absent.add(c);
        }
        if (!absent.isEmpty()) {
            warning.accept("classes " + absent + " never occur in column '" + label + "' of the training and validation"
                    + " data; the network gets K = " + k + " outputs from the largest label " + (k - 1) + ". Set "
                    + CLASSES.key() + " (Spark ML classCount) to declare the class count on purpose, or check the labels");
        }
        return k;
    }

    /**
     * The refusal of label {@code value} by {@code check}, at the place of the first row of
     * {@code inputs} the check refuses (its own value, which may differ from {@code value}), or
     * naming the column alone when no row can be found.
     */
    private BadInputException badLabel(LabelCheck check, double value, List<Dataset<Row>> inputs) {
        String label = labels.get(0);
        Column[] read = {column(label).cast(DataTypes.DoubleType)};
        String labelColumn = label; // the check runs on executors: it must not capture this fit
        RowCheck rows = row -> {
            if (!row.isNullAt(0)) {
                String problem = check.problem(row.getDouble(0));
                if (problem != null) {
                    throw new BadInputException(labelColumn, -1, 0, problem);
                }
            }
        };
        for (Dataset<Row> input : inputs) {
            var found = BadRowSearch.find(input, read, rows, rowNames);
            if (found.isPresent()) {
                return found.get();
            }
        }
        return new BadInputException("column '" + label + "': " + check.problem(value));
    }

    /** What a classification label must be, one rule at a time, with the message for a value it refuses. */
    private record LabelCheck(Rule rule, double bound, long labelledRows) implements java.io.Serializable {
        static final String REGRESSION = " (for numeric targets train a regression: model.task=regression on the command line,"
                + " SparkpropRegressor in Spark ML)";

        enum Rule {
            /** a whole number >= 0 */
            CLASS_INDEX,
            /** below model.classes ({@code bound}) */
            DECLARED,
            /** below min(MAX_CLASSES, labelled rows) ({@code bound}): K = max + 1 must be a plausible class count */
            COUNT
        }

        /** Why {@code v} is refused, or null when it is a valid label by this rule. */
        String problem(double v) {
            switch (rule) {
                case CLASS_INDEX:
                    return v != Math.rint(v) || v < 0 ? "classification needs class indices 0, 1, ...; it holds " + v + REGRESSION : null;
                case DECLARED:
                    return v >= bound ? "class index " + plain(v) + " but " + CLASSES.key() + " = " + (long) bound
                            + " (classes 0.." + ((long) bound - 1) + ")" : null;
                default:
                    return v >= bound ? String.format(java.util.Locale.ROOT, "the label %s as a class index means %s classes,"
                            + " more than %s; a classifier takes at most %d classes (%s) and at most one per labelled row (%d rows)%s",
                            plain(v), plain(v + 1), v + 1 > MAX_CLASSES ? "the maximum" : "the labelled rows", MAX_CLASSES,
                            CLASSES.key(), labelledRows, REGRESSION) : null;
            }
        }
    }

    /** A label as written: whole numbers without ".0" or an exponent (1e10 is 10000000000). */
    private static String plain(double v) {
        return new java.math.BigDecimal(v).toPlainString();
    }

    /** n_k: the rows of each class k in [0, classes) (labels outside are rejected when the blocks are built). */
    private long[] classRows(Dataset<Row> data, int classes) {
        long[] counts = new long[classes];
        for (Row r : data.groupBy(column(labels.get(0)).cast(DataTypes.DoubleType)).count().collectAsList()) {
            if (!r.isNullAt(0)) {
                double y = r.getDouble(0);
                if (y >= 0 && y < classes && y == Math.rint(y)) {
                    counts[(int) y] += r.getLong(1);
                }
            }
        }
        return counts;
    }

    /** data.standardizeScale resolved: shared, or auto on image features. */
    private boolean sharedScale() {
        String scale = settings.get(STANDARDIZE_SCALE);
        return scale.equals("shared") || scale.equals("auto") && imageFeatures;
    }

    /** The one scale of a shared-scale standardisation: every non-zero std is it. */
    private static float sharedScaleOf(float[] std) {
        float s = 0;
        for (float v : std) {
            s = Math.max(s, v);
        }
        return s;
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    /**
     * The new data must have the base model's feature width, names (where known), at most its classes,
     * and a regressor's outputs (their count, and their names where the base model recorded them).
     */
    private void checkMatchesBase(int width, List<String> featureNames, int outputs, List<String> targetNames) {
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
        int known = base.spec().outputWidth();
        if (base.task() == SavedModel.Task.CLASSIFICATION && outputs > known) {
            throw new IllegalArgumentException("the new data has class index " + (outputs - 1) + " in column '" + labels.get(0)
                    + "'; " + baseName + " knows classes 0.." + (known - 1));
        }
        if (base.task() == SavedModel.Task.REGRESSION && outputs != known) {
            throw new IllegalArgumentException("the new data's label " + String.join(",", labels) + " has " + outputs
                    + " target" + (outputs == 1 ? "" : "s") + " per row, " + baseName + " has " + known + " outputs"
                    + (base.targetNames().isEmpty() ? "" : " (" + String.join(", ", base.targetNames()) + ")"));
        }
        if (base.task() == SavedModel.Task.REGRESSION && !base.targetNames().isEmpty() && !base.targetNames().equals(targetNames)) {
            throw new IllegalArgumentException("the new data's targets are " + targetNames + ", " + baseName + " predicts "
                    + base.targetNames() + " (set data.label to those columns, in that order)");
        }
    }

    private static org.apache.spark.sql.Column column(String name) {
        return functions.col("`" + name.replace("`", "``") + "`");
    }
}
