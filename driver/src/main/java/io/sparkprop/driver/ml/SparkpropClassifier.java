package io.sparkprop.driver.ml;

import io.sparkprop.driver.model.SavedModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML estimator for a feed-forward classifier trained with sparkprop: hidden layers
 * ({@code layers}, {@code activation}), a softmax output over the classes 0 .. max(label), softmax
 * cross-entropy loss. The fitted {@link SparkpropClassificationModel} appends prediction (class index),
 * rawPrediction (logits) and probability columns. All parameters: {@link SparkpropEstimator}.
 * <pre>
 *   SparkpropClassificationModel model = new SparkpropClassifier()
 *       .setLayers(64, 32).setMaxIter(20).setStepSize(1e-3).fit(train);
 * </pre>
 */
public final class SparkpropClassifier extends SparkpropEstimator<SparkpropClassifier, SparkpropClassificationModel> {
    private static final long serialVersionUID = 1L;

    private final Param<String> probabilityCol;
    private final Param<String> rawPredictionCol;

    public SparkpropClassifier() {
        this(Identifiable.randomUID("sparkpropClassifier"));
    }

    public SparkpropClassifier(String uid) {
        super(uid);
        probabilityCol = new Param<>(this, "probabilityCol", "class probability column (softmax output) the model appends",
                new ParamRange<String>("probabilityCol", "a column name", s -> !s.isEmpty()));
        rawPredictionCol = new Param<>(this, "rawPredictionCol", "raw prediction column (the logits) the model appends",
                new ParamRange<String>("rawPredictionCol", "a column name", s -> !s.isEmpty()));
        setDefault(probabilityCol, "probability");
        setDefault(rawPredictionCol, "rawPrediction");
    }

    @Override
    protected SavedModel.Task task() {
        return SavedModel.Task.CLASSIFICATION;
    }

    @Override
    protected SparkpropClassificationModel newModel(String uid, SavedModel model) {
        return new SparkpropClassificationModel(uid, model);
    }

    @Override
    protected StructType addOutputColumns(StructType schema) {
        StructType out = SchemaChecks.addPrediction(schema, getPredictionCol());
        out = SchemaChecks.addColumn(out, getRawPredictionCol(), SQLDataTypes.VectorType());
        return SchemaChecks.addColumn(out, getProbabilityCol(), SQLDataTypes.VectorType());
    }

    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    public Param<String> rawPredictionCol() {
        return rawPredictionCol;
    }

    public String getProbabilityCol() {
        return getOrDefault(probabilityCol);
    }

    public String getRawPredictionCol() {
        return getOrDefault(rawPredictionCol);
    }

    public SparkpropClassifier setProbabilityCol(String value) {
        set(probabilityCol, value);
        return this;
    }

    public SparkpropClassifier setRawPredictionCol(String value) {
        set(rawPredictionCol, value);
        return this;
    }

    public static MLReader<SparkpropClassifier> read() {
        return new StageReader<>(SparkpropClassifier.class, (uid, model) -> new SparkpropClassifier(uid));
    }

    public static SparkpropClassifier load(String path) {
        return read().load(path);
    }
}
