package io.sparkprop.driver.ml;

import io.sparkprop.driver.config.Setting;
import io.sparkprop.driver.config.TrainingSettings;
import io.sparkprop.driver.model.SavedModel;
import io.sparkprop.driver.train.ModelFit;
import io.sparkprop.driver.train.TrainingConfig;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.sparkprop.driver.config.TrainingSettings.*;

/**
 * What {@link SparkpropClassifier} and {@link SparkpropRegressor} share: one Spark ML parameter per
 * setting of {@link TrainingSettings}, created from its declaration (name, documentation, default,
 * valid range), so the command line and Spark ML cannot disagree; the column parameters; and
 * {@link #fit}, which hands the parameters to {@link ModelFit}, the fit the command line runs too.
 * Spark's names where Spark has one: maxIter = epochs, stepSize = learning rate, regParam = L2 weight
 * decay, solver = optimiser, layers = hidden widths.
 *
 * <p>Every parameter is checked when it is set and a bad value is rejected with its valid range;
 * constraints between parameters (minStepSize &lt;= stepSize, decayRate &lt;= 1 for the step
 * schedule) are checked when fit starts.
 *
 * @param <E> the concrete estimator, so setters chain
 * @param <M> the model it fits
 */
public abstract class SparkpropEstimator<E extends SparkpropEstimator<E, M>, M extends SparkpropModel<M>>
        extends Estimator<M> implements MLWritable {
    private static final long serialVersionUID = 2L;
    private static final Logger LOG = LoggerFactory.getLogger(SparkpropEstimator.class);

    private final String uid;
    private final Param<String> featuresCol;
    private final Param<String> labelCol;
    private final Param<String> predictionCol;
    /** The Params of the settings, by configuration key. */
    private final Map<String, Param<?>> settingParams = new LinkedHashMap<>();

    /** Creates the parameters (they need the uid, so not in field initialisers) and their defaults. */
    protected SparkpropEstimator(String uid) {
        this.uid = uid;
        featuresCol = stringParam("featuresCol", "features column: an ML Vector (or array<double>) per row");
        labelCol = stringParam("labelCol", "label column: a class index 0..K-1 (classifier) or a number (regressor)");
        predictionCol = stringParam("predictionCol", "prediction column the model appends");
        setDefault(featuresCol, "features");
        setDefault(labelCol, "label");
        setDefault(predictionCol, "prediction");
        for (Setting<?> s : TrainingSettings.ALL) {
            Param<Object> p = settingParam(s);
            settingParams.put(s.key(), p);
            setDefault(p, s.defaultValue());
        }
    }

    @SuppressWarnings("unchecked")
    private Param<Object> settingParam(Setting<?> s) {
        String key = s.key();
        String doc = s.doc() + " (" + key + " on the command line)";
        ParamRange<Object> range = new ParamRange<>(s.param(), s.expected(), v -> TrainingSettings.byKey(key).problem(v) == null);
        switch (s.kind()) {
            case INT:
                return (Param<Object>) (Param<?>) new IntParam(this, s.param(), doc, range);
            case LONG:
                return (Param<Object>) (Param<?>) new LongParam(this, s.param(), doc, range);
            case DOUBLE:
                return (Param<Object>) (Param<?>) new DoubleParam(this, s.param(), doc, range);
            case BOOL:
                return (Param<Object>) (Param<?>) new BooleanParam(this, s.param(), doc);
            case INT_LIST:
                return (Param<Object>) (Param<?>) new IntArrayParam(this, s.param(), doc, (ParamRange<int[]>) (ParamRange<?>) range);
            default:
                return (Param<Object>) (Param<?>) new Param<String>(this, s.param(), doc, (ParamRange<String>) (ParamRange<?>) range);
        }
    }

    private Param<String> stringParam(String name, String doc) {
        return new Param<>(this, name, doc, new ParamRange<>(name, "a column name", s -> !s.isEmpty()));
    }

    @Override
    public String uid() {
        return uid;
    }

    /** This estimator, typed for chaining. */
    @SuppressWarnings("unchecked")
    protected final E self() {
        return (E) this;
    }

    /** The task: classification (softmax, cross-entropy) or regression (identity, squared error). */
    protected abstract SavedModel.Task task();

    /** The model around a trained {@link SavedModel}, before the parameters are copied to it. */
    protected abstract M newModel(String uid, SavedModel model);

    /** The output columns the model appends (name to type), for {@link #transformSchema}. */
    protected abstract StructType addOutputColumns(StructType schema);

    // ---- fit

    /**
     * Trains on {@code dataset}: its features column (vectors of one width) and its label column,
     * through {@link ModelFit}. For a classifier the classes are 0 .. max(label); a validation
     * fraction splits the rows with the seed and adds validation metrics to the summary (and enables
     * early stopping).
     */
    @Override
    public M fit(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("estimator", getClass().getName());
        ModelFit.Result fit = new ModelFit(trainingConfig(), task())
                .features(getFeaturesCol())
                .label(getLabelCol())
                .provenance(provenance)
                .progress(line -> LOG.info("{}: {}", uid, line))
                .run(dataset.toDF(), null);
        M model = copyValues(newModel(uid, fit.model()), ParamMap.empty());
        model.setParent(this);
        model.setSummary(new TrainingSummary(fit.training(), fit.metricsOn().equals("validation") ? fit.metrics() : null));
        return model;
    }

    /** The parameters as a {@link TrainingConfig}; its build() checks the constraints between them. */
    TrainingConfig trainingConfig() {
        TrainingConfig.Builder b = TrainingConfig.builder();
        for (Setting<?> s : TrainingSettings.ALL) {
            set(b, s);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(uid + ": " + e.getMessage(), e);
        }
    }

    private <T> void set(TrainingConfig.Builder b, Setting<T> s) {
        b.set(s, value(s));
    }

    /** The schema of the fitted model's output; checks the features and label columns. */
    @Override
    public StructType transformSchema(StructType schema) {
        SchemaChecks.requireFeatures(schema, getFeaturesCol());
        if (!Arrays.asList(schema.fieldNames()).contains(getLabelCol())) {
            throw new IllegalArgumentException("label column '" + getLabelCol() + "' is missing; the data has columns "
                    + Arrays.toString(schema.fieldNames()));
        }
        if (!(schema.apply(getLabelCol()).dataType() instanceof NumericType)) {
            throw new IllegalArgumentException("label column '" + getLabelCol() + "' has type "
                    + schema.apply(getLabelCol()).dataType().simpleString() + ", expected a number");
        }
        return addOutputColumns(schema);
    }

    @Override
    public E copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public MLWriter write() {
        return new StageWriter(this, null);
    }

    // ---- parameters by setting

    /** The Spark ML parameter of {@code setting}. */
    public Param<?> param(Setting<?> setting) {
        return settingParams.get(setting.key());
    }

    /** The value (set or default) of {@code setting}'s parameter. */
    @SuppressWarnings("unchecked")
    public <T> T value(Setting<T> setting) {
        Object v = getOrDefault(param(setting));
        return (T) (v instanceof int[] a ? a.clone() : v);
    }

    /** Sets {@code setting}'s parameter (checked against its range). */
    @SuppressWarnings("unchecked")
    public <T> E setting(Setting<T> setting, T value) {
        set((Param<Object>) param(setting), value instanceof int[] a ? a.clone() : value);
        return self();
    }

    // ---- parameters (Spark discovers them by these public no-argument methods), getters, setters

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> labelCol() {
        return labelCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public IntArrayParam layers() {
        return (IntArrayParam) param(HIDDEN);
    }

    public Param<String> activation() {
        return (Param<String>) param(ACTIVATION);
    }

    public Param<String> weightInit() {
        return (Param<String>) param(INIT);
    }

    public BooleanParam standardization() {
        return (BooleanParam) param(STANDARDIZE);
    }

    public BooleanParam labelStandardization() {
        return (BooleanParam) param(STANDARDIZE_TARGET);
    }

    public DoubleParam validationFraction() {
        return (DoubleParam) param(VALIDATION_FRACTION);
    }

    public Param<String> solver() {
        return (Param<String>) param(OPTIMIZER);
    }

    public DoubleParam stepSize() {
        return (DoubleParam) param(LEARNING_RATE);
    }

    public DoubleParam momentum() {
        return (DoubleParam) param(MOMENTUM);
    }

    public DoubleParam beta1() {
        return (DoubleParam) param(BETA1);
    }

    public DoubleParam beta2() {
        return (DoubleParam) param(BETA2);
    }

    public DoubleParam epsilon() {
        return (DoubleParam) param(EPSILON);
    }

    public Param<String> schedule() {
        return (Param<String>) param(SCHEDULE);
    }

    public LongParam decaySteps() {
        return (LongParam) param(DECAY_STEPS);
    }

    public DoubleParam decayRate() {
        return (DoubleParam) param(DECAY_RATE);
    }

    public DoubleParam minStepSize() {
        return (DoubleParam) param(MIN_RATE);
    }

    public LongParam warmupSteps() {
        return (LongParam) param(WARMUP_STEPS);
    }

    public DoubleParam regParam() {
        return (DoubleParam) param(WEIGHT_DECAY);
    }

    public DoubleParam clipNorm() {
        return (DoubleParam) param(CLIP_NORM);
    }

    public IntParam batchSize() {
        return (IntParam) param(BATCH_SIZE);
    }

    public IntParam maxIter() {
        return (IntParam) param(EPOCHS);
    }

    public LongParam maxSteps() {
        return (LongParam) param(MAX_ITERATIONS);
    }

    public LongParam seed() {
        return (LongParam) param(SEED);
    }

    public IntParam patience() {
        return (IntParam) param(PATIENCE);
    }

    public LongParam logInterval() {
        return (LongParam) param(LOG_INTERVAL);
    }

    public Param<String> localSteps() {
        return (Param<String>) param(LOCAL_STEPS);
    }

    public Param<String> localOptimizerState() {
        return (Param<String>) param(LOCAL_OPTIMIZER_STATE);
    }

    public DoubleParam outerStepSize() {
        return (DoubleParam) param(OUTER_LEARNING_RATE);
    }

    public DoubleParam outerMomentum() {
        return (DoubleParam) param(OUTER_MOMENTUM);
    }

    public Param<String> checkpointDir() {
        return (Param<String>) param(CHECKPOINT_DIR);
    }

    public LongParam checkpointInterval() {
        return (LongParam) param(CHECKPOINT_INTERVAL);
    }

    public IntParam checkpointsKept() {
        return (IntParam) param(CHECKPOINTS_KEPT);
    }

    public IntParam evalBatchSize() {
        return (IntParam) param(EVAL_BATCH_SIZE);
    }

    public IntParam treeAggregationThreshold() {
        return (IntParam) param(TREE_AGGREGATION_THRESHOLD);
    }

    public String getFeaturesCol() {
        return getOrDefault(featuresCol);
    }

    public String getLabelCol() {
        return getOrDefault(labelCol);
    }

    public String getPredictionCol() {
        return getOrDefault(predictionCol);
    }

    public int[] getLayers() {
        return value(HIDDEN);
    }

    public String getActivation() {
        return value(ACTIVATION);
    }

    public String getWeightInit() {
        return value(INIT);
    }

    public boolean getStandardization() {
        return value(STANDARDIZE);
    }

    public boolean getLabelStandardization() {
        return value(STANDARDIZE_TARGET);
    }

    public double getValidationFraction() {
        return value(VALIDATION_FRACTION);
    }

    public String getSolver() {
        return value(OPTIMIZER);
    }

    public double getStepSize() {
        return value(LEARNING_RATE);
    }

    public double getMomentum() {
        return value(MOMENTUM);
    }

    public double getBeta1() {
        return value(BETA1);
    }

    public double getBeta2() {
        return value(BETA2);
    }

    public double getEpsilon() {
        return value(EPSILON);
    }

    public String getSchedule() {
        return value(SCHEDULE);
    }

    public long getDecaySteps() {
        return value(DECAY_STEPS);
    }

    public double getDecayRate() {
        return value(DECAY_RATE);
    }

    public double getMinStepSize() {
        return value(MIN_RATE);
    }

    public long getWarmupSteps() {
        return value(WARMUP_STEPS);
    }

    public double getRegParam() {
        return value(WEIGHT_DECAY);
    }

    public double getClipNorm() {
        return value(CLIP_NORM);
    }

    public int getBatchSize() {
        return value(BATCH_SIZE);
    }

    public int getMaxIter() {
        return value(EPOCHS);
    }

    public long getMaxSteps() {
        return value(MAX_ITERATIONS);
    }

    public long getSeed() {
        return value(SEED);
    }

    public int getPatience() {
        return value(PATIENCE);
    }

    public long getLogInterval() {
        return value(LOG_INTERVAL);
    }

    public String getLocalSteps() {
        return value(LOCAL_STEPS);
    }

    public String getLocalOptimizerState() {
        return value(LOCAL_OPTIMIZER_STATE);
    }

    public double getOuterStepSize() {
        return value(OUTER_LEARNING_RATE);
    }

    public double getOuterMomentum() {
        return value(OUTER_MOMENTUM);
    }

    public String getCheckpointDir() {
        return value(CHECKPOINT_DIR);
    }

    public long getCheckpointInterval() {
        return value(CHECKPOINT_INTERVAL);
    }

    public int getCheckpointsKept() {
        return value(CHECKPOINTS_KEPT);
    }

    public int getEvalBatchSize() {
        return value(EVAL_BATCH_SIZE);
    }

    public int getTreeAggregationThreshold() {
        return value(TREE_AGGREGATION_THRESHOLD);
    }

    public E setFeaturesCol(String value) {
        set(featuresCol, value);
        return self();
    }

    public E setLabelCol(String value) {
        set(labelCol, value);
        return self();
    }

    public E setPredictionCol(String value) {
        set(predictionCol, value);
        return self();
    }

    /** Hidden layer widths, e.g. {@code setLayers(64, 32)}; no argument for no hidden layer. */
    public E setLayers(int... value) {
        return setting(HIDDEN, value);
    }

    public E setActivation(String value) {
        return setting(ACTIVATION, value);
    }

    public E setWeightInit(String value) {
        return setting(INIT, value);
    }

    public E setStandardization(boolean value) {
        return setting(STANDARDIZE, value);
    }

    public E setLabelStandardization(boolean value) {
        return setting(STANDARDIZE_TARGET, value);
    }

    public E setValidationFraction(double value) {
        return setting(VALIDATION_FRACTION, value);
    }

    public E setSolver(String value) {
        return setting(OPTIMIZER, value);
    }

    public E setStepSize(double value) {
        return setting(LEARNING_RATE, value);
    }

    public E setMomentum(double value) {
        return setting(MOMENTUM, value);
    }

    public E setBeta1(double value) {
        return setting(BETA1, value);
    }

    public E setBeta2(double value) {
        return setting(BETA2, value);
    }

    public E setEpsilon(double value) {
        return setting(EPSILON, value);
    }

    public E setSchedule(String value) {
        return setting(SCHEDULE, value);
    }

    public E setDecaySteps(long value) {
        return setting(DECAY_STEPS, value);
    }

    public E setDecayRate(double value) {
        return setting(DECAY_RATE, value);
    }

    public E setMinStepSize(double value) {
        return setting(MIN_RATE, value);
    }

    public E setWarmupSteps(long value) {
        return setting(WARMUP_STEPS, value);
    }

    public E setRegParam(double value) {
        return setting(WEIGHT_DECAY, value);
    }

    public E setClipNorm(double value) {
        return setting(CLIP_NORM, value);
    }

    public E setBatchSize(int value) {
        return setting(BATCH_SIZE, value);
    }

    public E setMaxIter(int value) {
        return setting(EPOCHS, value);
    }

    public E setMaxSteps(long value) {
        return setting(MAX_ITERATIONS, value);
    }

    public E setSeed(long value) {
        return setting(SEED, value);
    }

    public E setPatience(int value) {
        return setting(PATIENCE, value);
    }

    public E setLogInterval(long value) {
        return setting(LOG_INTERVAL, value);
    }

    /** "auto" or K >= 1 local steps between synchronisations. */
    public E setLocalSteps(String value) {
        return setting(LOCAL_STEPS, value);
    }

    /** K >= 1 local steps between synchronisations. */
    public E setLocalSteps(int value) {
        return setting(LOCAL_STEPS, String.valueOf(value));
    }

    public E setLocalOptimizerState(String value) {
        return setting(LOCAL_OPTIMIZER_STATE, value);
    }

    public E setOuterStepSize(double value) {
        return setting(OUTER_LEARNING_RATE, value);
    }

    public E setOuterMomentum(double value) {
        return setting(OUTER_MOMENTUM, value);
    }

    public E setCheckpointDir(String value) {
        return setting(CHECKPOINT_DIR, value);
    }

    public E setCheckpointInterval(long value) {
        return setting(CHECKPOINT_INTERVAL, value);
    }

    public E setCheckpointsKept(int value) {
        return setting(CHECKPOINTS_KEPT, value);
    }

    public E setEvalBatchSize(int value) {
        return setting(EVAL_BATCH_SIZE, value);
    }

    public E setTreeAggregationThreshold(int value) {
        return setting(TREE_AGGREGATION_THRESHOLD, value);
    }
}
