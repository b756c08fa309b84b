package io.sparkprop.driver.train;

import io.sparkprop.core.data.CacheFormat;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.config.Choice;
import io.sparkprop.driver.data.BadRowSearch;
import io.sparkprop.driver.data.BlockBuilder;
import io.sparkprop.driver.data.ConstantFeatures;
import io.sparkprop.driver.data.DataBlocks;
import io.sparkprop.driver.data.FeatureColumns;
import io.sparkprop.driver.data.FitInputs;
import io.sparkprop.driver.data.FitBlocks;
import io.sparkprop.driver.data.ImageRows;
import io.sparkprop.driver.data.LabelColumns;
import io.sparkprop.driver.data.TaskSlots;
import io.sparkprop.driver.model.BaseModelCheck;
import io.sparkprop.driver.model.SavedModel;
import io.sparkprop.driver.model.TrainingRecord;
import io.sparkprop.driver.spark.PhaseLog;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import static io.sparkprop.driver.config.TrainingSettings.*;

/**
 * One fit, the same for every front door (the command line's {@code train} and {@code retrain}, the
 * Spark ML estimators): from rows to a {@link SavedModel}.
 * <pre>
 *   validation split (when no validation rows are given and data.validation.fraction > 0, seeded)
 *   shape: the feature width; classification: K classes (model.classes, else max(label) + 1 over all labelled
 *     rows); regression: k outputs (1 per numeric label column, or a vector/array label's length); the network
 *     input -> hidden (model.hidden, model.activation) -> K softmax or k identity outputs, its memory checked first
 *   class weights (train.classWeights) resolved against the training rows per class
 *   cached blocks, one balanced block per task slot (or data.partitions), rows weighted by the weight column times
 *     their class weight; standardisation fitted on the training blocks (data.standardize, data.standardizeScale;
 *     regression targets by data.standardizeTarget: the network learns z = (y - mean) / std)
 *   a small regression at the default network (NetworkChoice): each candidate network fitted quietly on the
 *     same blocks, one kept by its validation loss
 *   DistributedTrainer: fresh, warm-started from a base model, or resumed from checkpoints
 *   metrics on the validation blocks (else the training blocks); the SavedModel with its provenance
 * </pre>
 * A warm start keeps the base model's network, task, class count and standardisation statistics (features and
 * targets; a base model without target statistics keeps raw targets). The cached blocks are released whatever
 * happens. A bad value (a feature, a label, a weight) is reported at its place in the rows as given, before the
 * split and any repartition: the file and line (or Parquet/ORC row) where the rows come from files
 * ({@link BadRowSearch}, named by {@link #rowNames}), else the partition and row of the Dataset given to {@link #run}.
 */
public final class ModelFit {
    private static final Logger LOG = LoggerFactory.getLogger(ModelFit.class);
    /** The setting that pins the block count (the job's data.partitions, the estimators' partitions). */
    private static final String PARTITIONS_SETTING = "data.partitions";

    private final TrainingConfig settings;
    private final SavedModel.Task task;
    private List<String> labels = List.of("label");
    private FeatureColumns features = FeatureColumns.vector("features");
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
    private Dataset<Row> locateTrain;
    private Dataset<Row> locateValidation;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private boolean imageFeatures;
    private ImageRows trainImages;
    private ImageRows validationImages;

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
        return features(FeatureColumns.vector(column));
    }

    /** Features from numeric columns, one feature each. */
    public ModelFit featureColumns(List<String> columns) {
        return features(FeatureColumns.scalars(columns));
    }

    /** Features as {@code columns} say (e.g. an array column that assembles numeric ones, {@link FeatureColumns#assembled}). */
    public ModelFit features(FeatureColumns columns) {
        this.features = columns;
        return this;
    }

    /** Row weights from this numeric column (w >= 0, finite); null or empty for none. */
    public ModelFit weight(String column) {
        this.weight = column == null || column.isEmpty() ? null : column;
        return this;
    }

    /**
     * Deal the training rows (after the validation split) into this many balanced blocks; 0: one block per
     * task slot ({@link TaskSlots}).
     */
    public ModelFit partitions(int n) {
        this.partitions = n;
        return this;
    }

    /** The features are the pixels of images (IDX input): data.standardizeScale = auto then shares one scale. */
    public ModelFit imageFeatures(boolean images) {
        this.imageFeatures = images;
        return this;
    }

    /**
     * The rows {@link #run} is given, as images the driver holds (IDX input; either null: not held): the class
     * count and the blocks come from their bytes, without a Spark job over the rows (the same bits). A fit
     * that splits a validation set off takes only its class count from them.
     */
    public ModelFit images(ImageRows train, ImageRows validation) {
        this.trainImages = train;
        this.validationImages = validation;
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

    /** Where bad rows are looked for: the trained rows in order, as read from their files (validation: null for none). */
    public ModelFit locateBadRowsIn(Dataset<Row> train, Dataset<Row> validation) {
        this.locateTrain = train;
        this.locateValidation = validation;
        return this;
    }

    public ModelFit listener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    /** What the data and the settings make of the network: its spec, the features' and the outputs' names. */
    private record Shape(NetworkSpec spec, boolean classification, List<String> featureNames, List<String> targetNames) {
        List<String> classLabels() {
            return classification ? IntStream.range(0, spec.outputWidth()).mapToObj(String::valueOf).toList() : List.of();
        }
    }

    /** Fits on {@code train}; {@code validation} may be null (then data.validation.fraction splits one off). */
    public Result run(Dataset<Row> train, Dataset<Row> validation) {
        long start = System.nanoTime();
        PhaseLog phases = PhaseLog.start(train.sparkSession().sparkContext());
        FitInputs inputs = FitInputs.split(train, validation, settings.get(VALIDATION_FRACTION), settings.get(SEED))
                .locatedIn(locateTrain, locateValidation).heldAs(trainImages, validationImages);
        phases.end("split");
        Shape shape = shape(inputs);
        TrainingConfig config = settings.toBuilder().network(shape.spec()).build();
        progress.accept("network: " + shape.spec() + " (" + shape.spec().layout().size() + " parameters)");
        TrainingRecord.ClassWeighting classWeights = TrainingRecord.ClassWeighting.resolve(config.get(CLASS_WEIGHTS),
                shape.classification(), () -> new LabelColumns(labels, rowNames, warning).classRows(inputs,
                        shape.spec().outputWidth()), progress);
        phases.end("shape (width, outputs" + (classWeights == null ? ")" : ", class weights)"));
        int slots = TaskSlots.of(train.sparkSession().sparkContext());
        BlockBuilder builder = features.readBy(BlockBuilder.forNetwork(shape.spec())
                .labelColumns(labels.toArray(new String[0])).weight(weight))
                .balanced(partitions > 0 ? partitions : slots, partitions > 0, PARTITIONS_SETTING);
        try (FitBlocks blocks = FitBlocks.prepare(builder, inputs, rowNames, classWeights == null ? null : classWeights.asFloats(),
                preparation(config, shape.classification()), progress,
                raw -> ConstantFeatures.warnIfAll(raw, shape.featureNames(), warning), phases)) {
            IterationPlan plan = IterationPlan.of(blocks.train().partitionRows(), config.get(BATCH_SIZE));
            TrainingRecord.Blocking blocking = TrainingRecord.Blocking.of(partitions > 0 ? PARTITIONS_SETTING : null, slots,
                    blocks.train().partitionRows(), plan.maxBatch(), plan.globalBatch());
            progress.accept("training on " + blocks.train().rows() + " rows in " + blocking.describe() + " ("
                    + blocks.cachedSize() + ")" + (blocks.validation() == null ? "" : ", validating on "
                    + blocks.validation().rows() + " rows"));
            if (base != null) {
                progress.accept("warm start from " + baseName);
            }
            TrainingConfig decayed = EpochsChoice.withAutoDecay(config, blocks.train().rows(), blocks.validation() != null,
                    !shape.classification(), progress);
            List<int[]> candidates = NetworkChoice.candidates(decayed, blocks.train().rows(), blocks.validation() != null,
                    !shape.classification(), base == null);
            if (candidates.size() == 1) {
                return train(decayed, shape, classWeights, blocks, blocking, start, phases, provenance);
            }
            NetworkChoice choice = chooseNetwork(decayed, shape, candidates, blocks);
            LOG.info(choice.line());
            Shape chosen = withHidden(decayed, shape, choice.chosenHidden());
            progress.accept("network: " + chosen.spec() + " (" + chosen.spec().layout().size() + " parameters), chosen on the"
                    + " validation rows for a small regression");
            Map<String, Object> first = new LinkedHashMap<>(provenance);
            first.put("networkChoice", choice.toMap());
            return train(decayed.toBuilder().set(HIDDEN, choice.chosenHidden()).network(chosen.spec()).build(), chosen,
                    classWeights, blocks, blocking, start, phases, first);
        }
    }

    /**
     * Fits each candidate network on the blocks, quietly (no listeners, no progress lines; the chosen one is
     * fitted again with them, to the same bits), and chooses by the best epochs' validation losses.
     */
    private NetworkChoice chooseNetwork(TrainingConfig config, Shape shape, List<int[]> candidates, FitBlocks blocks) {
        double[] losses = new double[candidates.size()];
        for (int i = 0; i < losses.length; i++) {
            NetworkSpec spec = withHidden(config, shape, candidates.get(i)).spec();
            DistributedTrainer trainer = new DistributedTrainer(JavaSparkContext.fromSparkContext(blocks.train().rdd().context()),
                    config.toBuilder().set(HIDDEN, candidates.get(i)).network(spec).build()).targetStandardization(blocks.targets());
            trainer.logProgress(false);
            losses[i] = trainer.fit(blocks.train(), blocks.validation(), null).history().stream()
                    .filter(e -> e.validation() != null).mapToDouble(e -> e.validation().loss()).min().orElse(Double.NaN);
        }
        return NetworkChoice.of(candidates, losses, blocks.validation().rows());
    }

    /** {@code shape} with the hidden layers {@code hidden} (the same input, outputs and names). */
    private static Shape withHidden(TrainingConfig config, Shape shape, int[] hidden) {
        TrainingConfig c = config.toBuilder().set(HIDDEN, hidden).build();
        NetworkSpec spec = c.networkSpec(c.layerSizes(shape.spec().inputWidth(), shape.spec().outputWidth()), shape.classification());
        return new Shape(spec, shape.classification(), shape.featureNames(), shape.targetNames());
    }

    /**
     * The feature width and the outputs (K classes, or k targets) from the data, checked against a
     * warm start's base; the network from them (or the base's), its memory checked before anything is
     * allocated or cached (the input batch and the aggregation are checked once the blocks are built).
     */
    private Shape shape(FitInputs inputs) {
        int width = features.width(inputs.train());
        List<String> featureNames = features.names(width);
        boolean classification = (base != null ? base.task() : task) == SavedModel.Task.CLASSIFICATION;
        LabelColumns.Outputs outputs = new LabelColumns(labels, rowNames, warning).outputs(inputs, classification,
                settings.get(CLASSES));
        if (base != null) {
            BaseModelCheck.check(base, baseName, width, featureNames, labels, outputs.count(), outputs.names());
        }
        int[] sizes = base != null ? base.spec().sizes() : settings.layerSizes(width, outputs.count());
        NetworkMemory.of(settings, sizes, base != null ? base.spec().targetWidth() : 1, inputs.validation() != null,
                NetworkMemory.Input.UNKNOWN).check(NetworkMemory.Resources.of(inputs.train().sparkSession().sparkContext()),
                HIDDEN.key(), BATCH_SIZE.key());
        NetworkSpec spec = base != null ? base.spec() : settings.networkSpec(sizes, classification);
        return new Shape(spec, classification, featureNames, outputs.names());
    }

    /** Standardisation and cache format: a warm start keeps its base's statistics, a fresh fit follows the settings. */
    private FitBlocks.Preparation preparation(TrainingConfig config, boolean classification) {
        Choice.StandardizeScale scale = config.standardizeScale();
        boolean shared = scale == Choice.StandardizeScale.SHARED || scale == Choice.StandardizeScale.AUTO && imageFeatures;
        return new FitBlocks.Preparation(base != null ? base.featureStandardizer() : null, base == null && config.get(STANDARDIZE),
                shared, config.get(STANDARDIZE_SCALE), CacheFormat.of(config.get(CACHE_FORMAT)), base != null ? base.targetStandardizer() : null,
                base == null && !classification && config.get(STANDARDIZE_TARGET));
    }

    /** Trains (fresh, warm-started or resumed), evaluates and assembles the saved model; {@code first} heads its training metadata. */
    private Result train(TrainingConfig config, Shape shape, TrainingRecord.ClassWeighting classWeights, FitBlocks blocks,
                         TrainingRecord.Blocking blocking, long start, PhaseLog phases, Map<String, Object> first) {
        DistributedTrainer trainer = new DistributedTrainer(JavaSparkContext.fromSparkContext(
                blocks.train().rdd().context()), config).targetStandardization(blocks.targets());
        trainer.addListener(new FirstStepPhases(phases));
        listeners.forEach(trainer::addListener);
        trainer.logProgress(logProgress);
        float[] initial = base == null ? null : base.params();
        long trainStart = System.nanoTime();
        TrainingResult result = resume && config.checkpointDir() != null
                ? trainer.resume(blocks.train(), blocks.validation(), initial)
                : trainer.fit(blocks.train(), blocks.validation(), initial);
        double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
        DataBlocks evalBlocks = blocks.validation() != null ? blocks.validation() : blocks.train();
        String metricsOn = blocks.validation() != null ? "validation" : "training";
        // the last epoch's validation pass already evaluated these parameters on these blocks
        EvaluationMetrics metrics = blocks.validation() != null && result.validation() != null ? result.validation()
                : trainer.evaluate(result.parameters(), evalBlocks);
        EvaluationMetrics baseMetrics = base == null ? null : trainer.evaluate(base.params(), evalBlocks);
        double seconds = (System.nanoTime() - start) / 1e9;
        TrainingRecord record = new TrainingRecord(config.get(SEED), result.iterations(), result.epochs(), result.stopReason(),
                result.localSteps(), result.rounds().toMap(), seconds, weight, classWeights, blocking, new TrainingRecord.Cache(blocks.format(),
                blocks.train().sizeInBytes(), blocks.float32Bytes()), metricsOn, metrics.toMapWithRows(), config.toMap());
        SavedModel model = SavedModel.fitted(shape.spec(), result.parameters(),
                shape.classification() ? SavedModel.Task.CLASSIFICATION : SavedModel.Task.REGRESSION, shape.featureNames(),
                shape.classLabels(), shape.targetNames(), blocks.features(), blocks.targets(), record.toMap(first));
        return new Result(model, result, metrics, metricsOn, baseMetrics, blocks.train().rows(), blocks.train().partitions(),
                blocks.train().sizeInBytes(), trainSeconds, seconds);
    }
}
