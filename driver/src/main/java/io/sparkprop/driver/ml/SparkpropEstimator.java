package io.sparkprop.driver.ml;

import io.sparkprop.core.data.Standardizer;
import io.sparkprop.core.nn.Activation;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.core.nn.WeightInit;
import io.sparkprop.driver.data.BlockBuilder;
import io.sparkprop.driver.data.DataBlocks;
import io.sparkprop.driver.data.FeatureStandardization;
import io.sparkprop.driver.model.SavedModel;
import io.sparkprop.driver.train.DistributedTrainer;
import io.sparkprop.driver.train.EvaluationMetrics;
import io.sparkprop.driver.train.TrainingConfig;
import io.sparkprop.driver.train.TrainingResult;
import org.apache.spark.api.java.JavaSparkContext;
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
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link SparkpropClassifier} and {@link SparkpropRegressor} share: one Spark ML parameter per
 * training option of {@link TrainingConfig} (Spark's names where Spark has one: maxIter = epochs,
 * stepSize = learning rate, regParam = L2 weight decay, solver = optimiser, layers = hidden widths),
 * the column parameters, and {@link #fit}: data to cached blocks, optional standardisation and
 * validation split, {@link DistributedTrainer}, and a model wrapping the {@link SavedModel}.
 *
 * <p>Every parameter is checked when it is set and a bad value is rejected with its valid range;
 * constraints between parameters (minStepSize &lt;= stepSize, decaySteps for the step schedule) are
 * checked by {@link TrainingConfig} when fit starts.
 *
 * @param <E> the concrete estimator, so setters chain
 * @param <M> the model it fits
 */
public abstract class SparkpropEstimator<E extends SparkpropEstimator<E, M>, M extends SparkpropModel<M>>
        extends Estimator<M> implements MLWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> featuresCol;
    private final Param<String> labelCol;
    private final Param<String> predictionCol;
    private final IntArrayParam layers;
    private final Param<String> activation;
    private final Param<String> weightInit;
    private final Param<String> solver;
    private final DoubleParam stepSize;
    private final DoubleParam momentum;
    private final DoubleParam beta1;
    private final DoubleParam beta2;
    private final DoubleParam epsilon;
    private final Param<String> schedule;
    private final LongParam decaySteps;
    private final DoubleParam decayRate;
    private final DoubleParam minStepSize;
    private final LongParam warmupSteps;
    private final DoubleParam regParam;
    private final DoubleParam clipNorm;
    private final IntParam batchSize;
    private final IntParam maxIter;
    private final LongParam maxSteps;
    private final LongParam seed;
    private final BooleanParam standardization;
    private final DoubleParam validationFraction;
    private final IntParam patience;
    private final Param<String> checkpointDir;
    private final LongParam checkpointInterval;
    private final IntParam checkpointsKept;
    private final LongParam logInterval;
    private final IntParam evalBatchSize;
    private final IntParam treeAggregationThreshold;

    /** Creates the parameters (they need the uid, so not in field initialisers) and their defaults. */
    protected SparkpropEstimator(String uid) {
        this.uid = uid;
        featuresCol = stringParam("featuresCol", "features column: an ML Vector (or array<double>) per row", "a column name", s -> !s.isEmpty());
        labelCol = stringParam("labelCol", "label column: a class index 0..K-1 (classifier) or a number (regressor)", "a column name", s -> !s.isEmpty());
        predictionCol = stringParam("predictionCol", "prediction column the model appends", "a column name", s -> !s.isEmpty());
        layers = new IntArrayParam(this, "layers", "widths of the hidden layers, input to output (empty: no hidden layer)",
                new ParamRange<int[]>("layers", "widths >= 1 (an empty array for no hidden layer)",
                        v -> Arrays.stream(v).allMatch(w -> w >= 1)));
        activation = stringParam("activation", "activation of the hidden layers",
                "one of " + Activation.NAMES + " or leaky_relu(slope) with slope in [0, 1)", s -> Activation.of(s) != null);
        weightInit = stringParam("weightInit", "initial weights: default (He for ReLU-family activations, Glorot otherwise) or a scheme",
                "default, glorot_uniform, glorot_normal, he_uniform or he_normal", s -> s.equals("default") || WeightInit.of(s) != null);
        solver = stringParam("solver", "the optimiser", "one of " + TrainingConfig.OPTIMIZERS, TrainingConfig.OPTIMIZERS::contains);
        stepSize = doubleParam("stepSize", "learning rate (the schedule's initial rate)", "a finite number > 0", v -> v > 0 && v < Double.POSITIVE_INFINITY);
        momentum = doubleParam("momentum", "momentum coefficient for the momentum and nesterov solvers", "[0, 1)", v -> v >= 0 && v < 1);
        beta1 = doubleParam("beta1", "Adam/AdamW first-moment decay", "[0, 1)", v -> v >= 0 && v < 1);
        beta2 = doubleParam("beta2", "Adam/AdamW second-moment decay", "[0, 1)", v -> v >= 0 && v < 1);
        epsilon = doubleParam("epsilon", "Adam/AdamW epsilon", "a finite number > 0", v -> v > 0 && v < Double.POSITIVE_INFINITY);
        schedule = stringParam("schedule", "learning-rate schedule", "one of " + TrainingConfig.SCHEDULES, TrainingConfig.SCHEDULES::contains);
        decaySteps = longParam("decaySteps", "step schedule: iterations between decays; cosine: length (0: the whole run)", ">= 0", v -> v >= 0);
        decayRate = doubleParam("decayRate", "step/exponential: factor per decay; inverse_time: k", "a finite number >= 0", v -> v >= 0 && v < Double.POSITIVE_INFINITY);
        minStepSize = doubleParam("minStepSize", "cosine schedule: the final learning rate", "a finite number >= 0", v -> v >= 0 && v < Double.POSITIVE_INFINITY);
        warmupSteps = longParam("warmupSteps", "iterations of linear learning-rate warm-up", ">= 0", v -> v >= 0);
        regParam = doubleParam("regParam", "L2 weight decay on the weights (not the biases)", "a finite number >= 0 (0: off)", v -> v >= 0 && v < Double.POSITIVE_INFINITY);
        clipNorm = doubleParam("clipNorm", "clip the gradient to this global L2 norm", "a finite number >= 0 (0: no clipping)", v -> v >= 0 && v < Double.POSITIVE_INFINITY);
        batchSize = intParam("batchSize", "global mini-batch size, split across partitions", ">= 1", v -> v >= 1);
        maxIter = intParam("maxIter", "epochs (passes over the training data)", ">= 1", v -> v >= 1);
        maxSteps = longParam("maxSteps", "stop after this many optimiser steps in total (0: only maxIter epochs)", ">= 0", v -> v >= 0);
        seed = new LongParam(this, "seed", "random seed (initial weights, epoch order, validation split)");
        standardization = new BooleanParam(this, "standardization", "standardise the features with statistics of the training data");
        validationFraction = doubleParam("validationFraction", "fraction of the rows held out for validation metrics and early stopping (0: none)",
                "[0, 1)", v -> v >= 0 && v < 1);
        patience = intParam("patience", "early stopping: epochs without a better validation loss (0: off; needs validationFraction > 0)",
                ">= 0", v -> v >= 0);
        checkpointDir = new Param<>(this, "checkpointDir", "directory URI for training checkpoints (empty: none); must hold no checkpoints");
        checkpointInterval = longParam("checkpointInterval", "checkpoint every this many iterations (0: at epoch ends)", ">= 0", v -> v >= 0);
        checkpointsKept = intParam("checkpointsKept", "checkpoints kept", ">= 1", v -> v >= 1);
        logInterval = longParam("logInterval", "log progress every this many iterations (0: epochs only)", ">= 0", v -> v >= 0);
        evalBatchSize = intParam("evalBatchSize", "rows per forward pass when evaluating", ">= 1", v -> v >= 1);
        treeAggregationThreshold = intParam("treeAggregationThreshold", "above this many partitions, gradients are summed in a two-level tree",
                ">= 1", v -> v >= 1);

        setDefault(featuresCol, "features");
        setDefault(labelCol, "label");
        setDefault(predictionCol, "prediction");
        setDefault(layers, new int[] {128});
        setDefault(activation, "relu");
        setDefault(weightInit, "default");
        setDefault(solver, "adam");
        setDefault(stepSize, 1e-3);
        setDefault(momentum, 0.9);
        setDefault(beta1, 0.9);
        setDefault(beta2, 0.999);
        setDefault(epsilon, 1e-8);
        setDefault(schedule, "constant");
        setDefault(decaySteps, 0L);
        setDefault(decayRate, 0.1);
        setDefault(minStepSize, 0.0);
        setDefault(warmupSteps, 0L);
        setDefault(regParam, 0.0);
        setDefault(clipNorm, 0.0);
        setDefault(batchSize, 128);
        setDefault(maxIter, 10);
        setDefault(maxSteps, 0L);
        setDefault(seed, 42L);
        setDefault(standardization, true);
        setDefault(validationFraction, 0.0);
        setDefault(patience, 0);
        setDefault(checkpointDir, "");
        setDefault(checkpointInterval, 0L);
        setDefault(checkpointsKept, 3);
        setDefault(logInterval, 50L);
        setDefault(evalBatchSize, 512);
        setDefault(treeAggregationThreshold, 16);
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
     * Trains on {@code dataset}: its features column (vectors of one width) and its label column.
     * For a classifier the classes are 0 .. max(label); a validation fraction splits the rows with
     * the seed and adds validation metrics to the summary (and enables early stopping).
     */
    @Override
    public M fit(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        Dataset<Row> train = dataset.toDF();
        Dataset<Row> validation = null;
        if (getValidationFraction() > 0) {
            Dataset<Row>[] split = train.randomSplit(new double[] {1 - getValidationFraction(), getValidationFraction()}, getSeed());
            train = split[0];
            validation = split[1];
        }
        boolean classification = task() == SavedModel.Task.CLASSIFICATION;
        int inputWidth = SchemaChecks.featureWidth(train, getFeaturesCol());
        List<String> classLabels = new ArrayList<>();
        int outputs = 1;
        if (classification) {
            outputs = SchemaChecks.classCount(dataset.toDF(), getLabelCol());
            for (int k = 0; k < outputs; k++) {
                classLabels.add(String.valueOf(k));
            }
        }
        NetworkSpec spec = networkSpec(inputWidth, outputs, classification);
        TrainingConfig config = trainingConfig(spec);

        BlockBuilder builder = BlockBuilder.forNetwork(spec).features(getFeaturesCol()).label(getLabelCol());
        DataBlocks trainBlocks = builder.build(train);
        DataBlocks validationBlocks = validation == null ? null : builder.build(validation);
        float[] mean = null;
        float[] std = null;
        if (getStandardization()) {
            Standardizer standardizer = FeatureStandardization.fit(trainBlocks);
            trainBlocks = FeatureStandardization.apply(trainBlocks, standardizer);
            validationBlocks = validationBlocks == null ? null : FeatureStandardization.apply(validationBlocks, standardizer);
            mean = standardizer.mean();
            std = standardizer.std();
        }
        try {
            DistributedTrainer trainer = new DistributedTrainer(JavaSparkContext.fromSparkContext(train.sparkSession().sparkContext()), config);
            TrainingResult result = trainer.fit(trainBlocks, validationBlocks);
            EvaluationMetrics validationMetrics = validationBlocks == null ? null : trainer.evaluate(result.parameters(), validationBlocks);
            TrainingSummary summary = new TrainingSummary(result, validationMetrics);

            List<String> featureNames = new ArrayList<>();
            for (int i = 0; i < inputWidth; i++) {
                featureNames.add(getFeaturesCol() + "[" + i + "]"); // the CLI's name for a vector column's features
            }
            Map<String, Object> training = new LinkedHashMap<>();
            training.put("estimator", getClass().getName());
            training.put("seed", getSeed());
            training.put("iterations", result.iterations());
            training.put("epochs", result.epochs());
            training.put("stopReason", result.stopReason());
            training.put("configuration", config.toMap());
            SavedModel saved = new SavedModel(spec, result.parameters(), task(), featureNames, classLabels, mean, std, training,
                    Instant.now().toString(), version());
            M model = copyValues(newModel(uid, saved), ParamMap.empty());
            model.setParent(this);
            model.setSummary(summary);
            return model;
        } finally {
            trainBlocks.unpersist();
            if (validationBlocks != null) {
                validationBlocks.unpersist();
            }
        }
    }

    private NetworkSpec networkSpec(int inputWidth, int outputs, boolean classification) {
        int[] hidden = getLayers();
        int[] widths = Arrays.copyOf(hidden, hidden.length + 1);
        widths[hidden.length] = outputs;
        String[] activations = new String[widths.length];
        Arrays.fill(activations, getActivation());
        activations[hidden.length] = classification ? "softmax" : "identity";
        return new NetworkSpec(inputWidth, widths, activations, classification ? "softmax_cross_entropy" : "mse");
    }

    /** The parameters as a {@link TrainingConfig}; its build() checks the constraints between them. */
    TrainingConfig trainingConfig(NetworkSpec spec) {
        TrainingConfig.Builder b = TrainingConfig.builder(spec)
                .optimizer(getSolver())
                .learningRate(getStepSize())
                .momentum(doubleValue(momentum))
                .adam(doubleValue(beta1), doubleValue(beta2), doubleValue(epsilon))
                .schedule(getOrDefault(schedule))
                .decaySteps(longValue(decaySteps))
                .decayRate(doubleValue(decayRate))
                .minLearningRate(doubleValue(minStepSize))
                .warmupSteps(longValue(warmupSteps))
                .weightDecay(getRegParam())
                .clipNorm(doubleValue(clipNorm))
                .batchSize(getBatchSize())
                .epochs(getMaxIter())
                .maxIterations(longValue(maxSteps))
                .seed(getSeed())
                .weightInit(getOrDefault(weightInit))
                .patience(intValue(patience))
                .checkpointInterval(longValue(checkpointInterval))
                .checkpointsKept(intValue(checkpointsKept))
                .logInterval(longValue(logInterval))
                .evalBatchSize(intValue(evalBatchSize))
                .treeAggregationThreshold(intValue(treeAggregationThreshold));
        if (!getOrDefault(checkpointDir).isEmpty()) {
            b.checkpointDir(getOrDefault(checkpointDir));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(uid + ": " + e.getMessage(), e);
        }
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

    static String version() {
        String v = SparkpropEstimator.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private double doubleValue(DoubleParam p) {
        return (Double) getOrDefault(p);
    }

    private long longValue(LongParam p) {
        return (Long) getOrDefault(p);
    }

    private int intValue(IntParam p) {
        return (Integer) getOrDefault(p);
    }

    // ---- parameter construction

    private Param<String> stringParam(String name, String doc, String expected, ParamRange.Rule<String> rule) {
        return new Param<>(this, name, doc, new ParamRange<>(name, expected, rule));
    }

    private IntParam intParam(String name, String doc, String expected, ParamRange.Rule<Integer> rule) {
        return new IntParam(this, name, doc, boxed(name, expected, rule));
    }

    private LongParam longParam(String name, String doc, String expected, ParamRange.Rule<Long> rule) {
        return new LongParam(this, name, doc, boxed(name, expected, rule));
    }

    private DoubleParam doubleParam(String name, String doc, String expected, ParamRange.Rule<Double> rule) {
        return new DoubleParam(this, name, doc, boxed(name, expected, rule));
    }

    /** Spark's numeric params validate boxed values typed as Object. */
    @SuppressWarnings("unchecked")
    private static <T> ParamRange<Object> boxed(String name, String expected, ParamRange.Rule<T> rule) {
        return new ParamRange<>(name, expected, v -> rule.test((T) v));
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
        return layers;
    }

    public Param<String> activation() {
        return activation;
    }

    public Param<String> weightInit() {
        return weightInit;
    }

    public Param<String> solver() {
        return solver;
    }

    public DoubleParam stepSize() {
        return stepSize;
    }

    public DoubleParam momentum() {
        return momentum;
    }

    public DoubleParam beta1() {
        return beta1;
    }

    public DoubleParam beta2() {
        return beta2;
    }

    public DoubleParam epsilon() {
        return epsilon;
    }

    public Param<String> schedule() {
        return schedule;
    }

    public LongParam decaySteps() {
        return decaySteps;
    }

    public DoubleParam decayRate() {
        return decayRate;
    }

    public DoubleParam minStepSize() {
        return minStepSize;
    }

    public LongParam warmupSteps() {
        return warmupSteps;
    }

    public DoubleParam regParam() {
        return regParam;
    }

    public DoubleParam clipNorm() {
        return clipNorm;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public IntParam maxIter() {
        return maxIter;
    }

    public LongParam maxSteps() {
        return maxSteps;
    }

    public LongParam seed() {
        return seed;
    }

    public BooleanParam standardization() {
        return standardization;
    }

    public DoubleParam validationFraction() {
        return validationFraction;
    }

    public IntParam patience() {
        return patience;
    }

    public Param<String> checkpointDir() {
        return checkpointDir;
    }

    public LongParam checkpointInterval() {
        return checkpointInterval;
    }

    public IntParam checkpointsKept() {
        return checkpointsKept;
    }

    public LongParam logInterval() {
        return logInterval;
    }

    public IntParam evalBatchSize() {
        return evalBatchSize;
    }

    public IntParam treeAggregationThreshold() {
        return treeAggregationThreshold;
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
        return getOrDefault(layers).clone();
    }

    public String getActivation() {
        return getOrDefault(activation);
    }

    public String getSolver() {
        return getOrDefault(solver);
    }

    public double getStepSize() {
        return (Double) getOrDefault(stepSize);
    }

    public double getRegParam() {
        return (Double) getOrDefault(regParam);
    }

    public int getBatchSize() {
        return (Integer) getOrDefault(batchSize);
    }

    public int getMaxIter() {
        return (Integer) getOrDefault(maxIter);
    }

    public long getSeed() {
        return (Long) getOrDefault(seed);
    }

    public boolean getStandardization() {
        return (Boolean) getOrDefault(standardization);
    }

    public double getValidationFraction() {
        return (Double) getOrDefault(validationFraction);
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
        set(layers, value.clone());
        return self();
    }

    public E setActivation(String value) {
        set(activation, value);
        return self();
    }

    public E setWeightInit(String value) {
        set(weightInit, value);
        return self();
    }

    public E setSolver(String value) {
        set(solver, value);
        return self();
    }

    public E setStepSize(double value) {
        set(stepSize, value);
        return self();
    }

    public E setMomentum(double value) {
        set(momentum, value);
        return self();
    }

    public E setBeta1(double value) {
        set(beta1, value);
        return self();
    }

    public E setBeta2(double value) {
        set(beta2, value);
        return self();
    }

    public E setEpsilon(double value) {
        set(epsilon, value);
        return self();
    }

    public E setSchedule(String value) {
        set(schedule, value);
        return self();
    }

    public E setDecaySteps(long value) {
        set(decaySteps, value);
        return self();
    }

    public E setDecayRate(double value) {
        set(decayRate, value);
        return self();
    }

    public E setMinStepSize(double value) {
        set(minStepSize, value);
        return self();
    }

    public E setWarmupSteps(long value) {
        set(warmupSteps, value);
        return self();
    }

    public E setRegParam(double value) {
        set(regParam, value);
        return self();
    }

    public E setClipNorm(double value) {
        set(clipNorm, value);
        return self();
    }

    public E setBatchSize(int value) {
        set(batchSize, value);
        return self();
    }

    public E setMaxIter(int value) {
        set(maxIter, value);
        return self();
    }

    public E setMaxSteps(long value) {
        set(maxSteps, value);
        return self();
    }

    public E setSeed(long value) {
        set(seed, value);
        return self();
    }

    public E setStandardization(boolean value) {
        set(standardization, value);
        return self();
    }

    public E setValidationFraction(double value) {
        set(validationFraction, value);
        return self();
    }

    public E setPatience(int value) {
        set(patience, value);
        return self();
    }

    public E setCheckpointDir(String value) {
        set(checkpointDir, value);
        return self();
    }

    public E setCheckpointInterval(long value) {
        set(checkpointInterval, value);
        return self();
    }

    public E setCheckpointsKept(int value) {
        set(checkpointsKept, value);
        return self();
    }

    public E setLogInterval(long value) {
        set(logInterval, value);
        return self();
    }

    public E setEvalBatchSize(int value) {
        set(evalBatchSize, value);
        return self();
    }

    public E setTreeAggregationThreshold(int value) {
        set(treeAggregationThreshold, value);
        return self();
    }
}
