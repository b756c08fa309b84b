package io.sparkprop.driver.ml;

import io.sparkprop.driver.config.Setting;
import io.sparkprop.driver.config.TrainingSettings;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

import static io.sparkprop.driver.config.TrainingSettings.*;

/**
 * The training parameters {@link SparkpropClassifier} and {@link SparkpropRegressor} share: one Spark
 * ML parameter per setting of {@link TrainingSettings} ({@link SettingParams} creates them from the
 * declarations), with Spark's names where Spark has one: maxIter = epochs, stepSize = learning rate,
 * regParam = L2 weight decay, solver = optimizer, layers = hidden widths. The column parameters come
 * from Spark's Predictor classes the estimators extend.
 *
 * <p>Every parameter is checked when it is set and a bad value is rejected with its valid range;
 * constraints between parameters (minStepSize &lt;= stepSize, decayRate &lt;= 1 for the step
 * schedule) are checked when fit starts. Spark finds the parameters by these public no-argument
 * methods, default methods included.
 *
 * @param <E> the concrete estimator, so setters chain
 */
public interface SparkpropParams<E extends SparkpropParams<E>> extends Params {
    /** The Spark ML parameter of {@code setting}. */
    Param<?> param(Setting<?> setting);

    /** The value (set or default) of {@code setting}'s parameter. */
    @SuppressWarnings("unchecked")
    default <T> T value(Setting<T> setting) {
        Object v = getOrDefault(param(setting));
        return (T) (v instanceof int[] a ? a.clone() : v);
    }

    /** Sets {@code setting}'s parameter (checked against its range). */
    @SuppressWarnings("unchecked")
    default <T> E setting(Setting<T> setting, T value) {
        set((Param<Object>) param(setting), value instanceof int[] a ? a.clone() : value);
        return (E) this;
    }

    /** Spark's standard name: row weights from this column; empty for none. */
    Param<String> weightCol();

    default String getWeightCol() {
        return getOrDefault(weightCol());
    }

    /** Row weights from column {@code value}; empty for none. */
    @SuppressWarnings("unchecked")
    default E setWeightCol(String value) {
        set(weightCol(), value);
        return (E) this;
    }

    @SuppressWarnings("unchecked")
    default Param<String> classWeights() {
        return (Param<String>) param(CLASS_WEIGHTS);
    }

    default String getClassWeights() {
        return value(CLASS_WEIGHTS);
    }

    /** none, balanced, one weight per class ("1,19") or class:weight pairs ("1:19"). */
    default E setClassWeights(String value) {
        return setting(CLASS_WEIGHTS, value);
    }

    /** One weight >= 0 per class 0..K-1. */
    default E setClassWeights(double... value) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < value.length; i++) {
            sb.append(i == 0 ? "" : ",").append(value[i]);
        }
        return setting(CLASS_WEIGHTS, sb.toString());
    }

    default IntArrayParam layers() {
        return (IntArrayParam) param(HIDDEN);
    }

    @SuppressWarnings("unchecked")
    default Param<String> activation() {
        return (Param<String>) param(ACTIVATION);
    }

    /** model.classes: the class count K (0: max(label) + 1 from the data). */
    default IntParam classCount() {
        return (IntParam) param(CLASSES);
    }

    default DoubleParam dropout() {
        return (DoubleParam) param(DROPOUT);
    }

    @SuppressWarnings("unchecked")
    default Param<String> weightInit() {
        return (Param<String>) param(INIT);
    }

    default BooleanParam standardization() {
        return (BooleanParam) param(STANDARDIZE);
    }

    @SuppressWarnings("unchecked")
    default Param<String> standardizationScale() {
        return (Param<String>) param(STANDARDIZE_SCALE);
    }

    default BooleanParam labelStandardization() {
        return (BooleanParam) param(STANDARDIZE_TARGET);
    }

    /** data.cacheFormat: float32, bfloat16, float16 or uint8. */
    @SuppressWarnings("unchecked")
    default Param<String> cacheFormat() {
        return (Param<String>) param(CACHE_FORMAT);
    }

    default DoubleParam validationFraction() {
        return (DoubleParam) param(VALIDATION_FRACTION);
    }

    @SuppressWarnings("unchecked")
    default Param<String> solver() {
        return (Param<String>) param(OPTIMIZER);
    }

    default DoubleParam stepSize() {
        return (DoubleParam) param(LEARNING_RATE);
    }

    default DoubleParam momentum() {
        return (DoubleParam) param(MOMENTUM);
    }

    default DoubleParam beta1() {
        return (DoubleParam) param(BETA1);
    }

    default DoubleParam beta2() {
        return (DoubleParam) param(BETA2);
    }

    default DoubleParam epsilon() {
        return (DoubleParam) param(EPSILON);
    }

    @SuppressWarnings("unchecked")
    default Param<String> schedule() {
        return (Param<String>) param(SCHEDULE);
    }

    default LongParam decaySteps() {
        return (LongParam) param(DECAY_STEPS);
    }

    default DoubleParam decayRate() {
        return (DoubleParam) param(DECAY_RATE);
    }

    default DoubleParam minStepSize() {
        return (DoubleParam) param(MIN_RATE);
    }

    default LongParam warmupSteps() {
        return (LongParam) param(WARMUP_STEPS);
    }

    @SuppressWarnings("unchecked")
    default Param<String> learningRateScale() {
        return (Param<String>) param(LEARNING_RATE_SCALE);
    }

    default DoubleParam regParam() {
        return (DoubleParam) param(WEIGHT_DECAY);
    }

    default DoubleParam clipNorm() {
        return (DoubleParam) param(CLIP_NORM);
    }

    default IntParam batchSize() {
        return (IntParam) param(BATCH_SIZE);
    }

    default IntParam maxIter() {
        return (IntParam) param(EPOCHS);
    }

    default LongParam maxSteps() {
        return (LongParam) param(MAX_ITERATIONS);
    }

    default LongParam seed() {
        return (LongParam) param(SEED);
    }

    default IntParam patience() {
        return (IntParam) param(PATIENCE);
    }

    default LongParam logInterval() {
        return (LongParam) param(LOG_INTERVAL);
    }

    @SuppressWarnings("unchecked")
    default Param<String> localSteps() {
        return (Param<String>) param(LOCAL_STEPS);
    }

    @SuppressWarnings("unchecked")
    default Param<String> localOptimizerState() {
        return (Param<String>) param(LOCAL_OPTIMIZER_STATE);
    }

    default DoubleParam outerStepSize() {
        return (DoubleParam) param(OUTER_LEARNING_RATE);
    }

    default DoubleParam outerMomentum() {
        return (DoubleParam) param(OUTER_MOMENTUM);
    }

    @SuppressWarnings("unchecked")
    default Param<String> checkpointDir() {
        return (Param<String>) param(CHECKPOINT_DIR);
    }

    default LongParam checkpointInterval() {
        return (LongParam) param(CHECKPOINT_INTERVAL);
    }

    default IntParam checkpointsKept() {
        return (IntParam) param(CHECKPOINTS_KEPT);
    }

    default IntParam evalBatchSize() {
        return (IntParam) param(EVAL_BATCH_SIZE);
    }

    @SuppressWarnings("unchecked")
    default Param<String> aggregation() {
        return (Param<String>) param(AGGREGATION);
    }

    @SuppressWarnings("unchecked")
    default Param<String> synchronousExchange() {
        return (Param<String>) param(SYNCHRONOUS_EXCHANGE);
    }

    default BooleanParam sparseTransfer() {
        return (BooleanParam) param(SPARSE_TRANSFER);
    }

    default Param<String> sparseUpdate() {
        return (Param<String>) param(SPARSE_UPDATE);
    }

    default int[] getLayers() {
        return value(HIDDEN);
    }

    default String getActivation() {
        return value(ACTIVATION);
    }

    default String getWeightInit() {
        return value(INIT);
    }

    default double getDropout() {
        return value(DROPOUT);
    }

    default boolean getStandardization() {
        return value(STANDARDIZE);
    }

    default String getStandardizationScale() {
        return value(STANDARDIZE_SCALE);
    }

    default boolean getLabelStandardization() {
        return value(STANDARDIZE_TARGET);
    }

    default String getCacheFormat() {
        return value(CACHE_FORMAT);
    }

    default double getValidationFraction() {
        return value(VALIDATION_FRACTION);
    }

    default String getSolver() {
        return value(OPTIMIZER);
    }

    default double getStepSize() {
        return value(LEARNING_RATE);
    }

    default double getMomentum() {
        return value(MOMENTUM);
    }

    default double getBeta1() {
        return value(BETA1);
    }

    default double getBeta2() {
        return value(BETA2);
    }

    default double getEpsilon() {
        return value(EPSILON);
    }

    default String getSchedule() {
        return value(SCHEDULE);
    }

    default long getDecaySteps() {
        return value(DECAY_STEPS);
    }

    default double getDecayRate() {
        return value(DECAY_RATE);
    }

    default double getMinStepSize() {
        return value(MIN_RATE);
    }

    default long getWarmupSteps() {
        return value(WARMUP_STEPS);
    }

    default String getLearningRateScale() {
        return value(LEARNING_RATE_SCALE);
    }

    default double getRegParam() {
        return value(WEIGHT_DECAY);
    }

    default double getClipNorm() {
        return value(CLIP_NORM);
    }

    default int getBatchSize() {
        return value(BATCH_SIZE);
    }

    default int getMaxIter() {
        return value(EPOCHS);
    }

    default long getMaxSteps() {
        return value(MAX_ITERATIONS);
    }

    default long getSeed() {
        return value(SEED);
    }

    default int getPatience() {
        return value(PATIENCE);
    }

    default long getLogInterval() {
        return value(LOG_INTERVAL);
    }

    default String getLocalSteps() {
        return value(LOCAL_STEPS);
    }

    default String getLocalOptimizerState() {
        return value(LOCAL_OPTIMIZER_STATE);
    }

    default double getOuterStepSize() {
        return value(OUTER_LEARNING_RATE);
    }

    default double getOuterMomentum() {
        return value(OUTER_MOMENTUM);
    }

    default String getCheckpointDir() {
        return value(CHECKPOINT_DIR);
    }

    default long getCheckpointInterval() {
        return value(CHECKPOINT_INTERVAL);
    }

    default int getCheckpointsKept() {
        return value(CHECKPOINTS_KEPT);
    }

    default int getEvalBatchSize() {
        return value(EVAL_BATCH_SIZE);
    }

    default String getAggregation() {
        return value(AGGREGATION);
    }

    default String getSynchronousExchange() {
        return value(SYNCHRONOUS_EXCHANGE);
    }

    default boolean getSparseTransfer() {
        return value(SPARSE_TRANSFER);
    }

    default String getSparseUpdate() {
        return value(SPARSE_UPDATE);
    }

    /** Hidden layer widths, e.g. {@code setLayers(64, 32)}; no argument for no hidden layer. */
    default E setLayers(int... value) {
        return setting(HIDDEN, value);
    }

    default E setActivation(String value) {
        return setting(ACTIVATION, value);
    }

    default E setWeightInit(String value) {
        return setting(INIT, value);
    }

    /** Dropout rate of every hidden layer while training, in [0, 1); 0 for none. */
    default E setDropout(double value) {
        return setting(DROPOUT, value);
    }

    default E setStandardization(boolean value) {
        return setting(STANDARDIZE, value);
    }

    /** auto, feature or shared: see data.standardizeScale. In Spark ML auto means feature. */
    default E setStandardizationScale(String value) {
        return setting(STANDARDIZE_SCALE, value);
    }

    default E setLabelStandardization(boolean value) {
        return setting(STANDARDIZE_TARGET, value);
    }

    /** How the cached features are stored: float32 (the default), bfloat16, float16 or uint8. */
    default E setCacheFormat(String value) {
        return setting(CACHE_FORMAT, value);
    }

    default E setValidationFraction(double value) {
        return setting(VALIDATION_FRACTION, value);
    }

    default E setSolver(String value) {
        return setting(OPTIMIZER, value);
    }

    default E setStepSize(double value) {
        return setting(LEARNING_RATE, value);
    }

    default E setMomentum(double value) {
        return setting(MOMENTUM, value);
    }

    default E setBeta1(double value) {
        return setting(BETA1, value);
    }

    default E setBeta2(double value) {
        return setting(BETA2, value);
    }

    default E setEpsilon(double value) {
        return setting(EPSILON, value);
    }

    default E setSchedule(String value) {
        return setting(SCHEDULE, value);
    }

    default E setDecaySteps(long value) {
        return setting(DECAY_STEPS, value);
    }

    default E setDecayRate(double value) {
        return setting(DECAY_RATE, value);
    }

    default E setMinStepSize(double value) {
        return setting(MIN_RATE, value);
    }

    default E setWarmupSteps(long value) {
        return setting(WARMUP_STEPS, value);
    }

    default E setLearningRateScale(String value) {
        return setting(LEARNING_RATE_SCALE, value);
    }

    default E setRegParam(double value) {
        return setting(WEIGHT_DECAY, value);
    }

    default E setClipNorm(double value) {
        return setting(CLIP_NORM, value);
    }

    default E setBatchSize(int value) {
        return setting(BATCH_SIZE, value);
    }

    default E setMaxIter(int value) {
        return setting(EPOCHS, value);
    }

    default E setMaxSteps(long value) {
        return setting(MAX_ITERATIONS, value);
    }

    default E setSeed(long value) {
        return setting(SEED, value);
    }

    default E setPatience(int value) {
        return setting(PATIENCE, value);
    }

    default E setLogInterval(long value) {
        return setting(LOG_INTERVAL, value);
    }

    /** "auto", "timed" or K >= 1 local steps between synchronisations. */
    default E setLocalSteps(String value) {
        return setting(LOCAL_STEPS, value);
    }

    /** K >= 1 local steps between synchronisations. */
    default E setLocalSteps(int value) {
        return setting(LOCAL_STEPS, String.valueOf(value));
    }

    default E setLocalOptimizerState(String value) {
        return setting(LOCAL_OPTIMIZER_STATE, value);
    }

    default E setOuterStepSize(double value) {
        return setting(OUTER_LEARNING_RATE, value);
    }

    default E setOuterMomentum(double value) {
        return setting(OUTER_MOMENTUM, value);
    }

    default E setCheckpointDir(String value) {
        return setting(CHECKPOINT_DIR, value);
    }

    default E setCheckpointInterval(long value) {
        return setting(CHECKPOINT_INTERVAL, value);
    }

    default E setCheckpointsKept(int value) {
        return setting(CHECKPOINTS_KEPT, value);
    }

    default E setEvalBatchSize(int value) {
        return setting(EVAL_BATCH_SIZE, value);
    }

    default E setAggregation(String value) {
        return setting(AGGREGATION, value);
    }

    default E setSynchronousExchange(String value) {
        return setting(SYNCHRONOUS_EXCHANGE, value);
    }

    default E setSparseTransfer(boolean value) {
        return setting(SPARSE_TRANSFER, value);
    }

    default E setSparseUpdate(String value) {
        return setting(SPARSE_UPDATE, value);
    }
}
