package io.sparkprop.driver.ml;

import io.sparkprop.driver.model.SavedModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted sparkprop classifier: appends prediction (the most probable class index, as a double),
 * rawPrediction (the logits, a vector of K) and probability (their softmax, a vector of K).
 */
public final class SparkpropClassificationModel extends SparkpropModel<SparkpropClassificationModel> {
    private static final long serialVersionUID = 1L;

    private final Param<String> probabilityCol;
    private final Param<String> rawPredictionCol;

    /** Wraps a saved classification model, e.g. one the command line trained. */
    public SparkpropClassificationModel(SavedModel model) {
        this(Identifiable.randomUID("sparkpropClassificationModel"), model);
    }

    public SparkpropClassificationModel(String uid, SavedModel model) {
        super(uid, model);
        if (model.task() != SavedModel.Task.CLASSIFICATION) {
            throw new IllegalArgumentException("a " + model.task() + " model is not a classifier; use SparkpropRegressionModel");
        }
        probabilityCol = new Param<>(this, "probabilityCol", "class probability column (softmax output)",
                new ParamRange<String>("probabilityCol", "a column name", s -> !s.isEmpty()));
        rawPredictionCol = new Param<>(this, "rawPredictionCol", "raw prediction column (the logits)",
                new ParamRange<String>("rawPredictionCol", "a column name", s -> !s.isEmpty()));
        setDefault(probabilityCol, "probability");
        setDefault(rawPredictionCol, "rawPrediction");
    }

    /** K, the number of classes. */
    public int numClasses() {
        return savedModel().spec().outputWidth();
    }

    @Override
    String probabilityColumn() {
        return getProbabilityCol();
    }

    @Override
    String rawPredictionColumn() {
        return getRawPredictionCol();
    }

    @Override
    protected StructType addOutputColumns(StructType schema) {
        StructType out = SchemaChecks.addPrediction(schema, getPredictionCol());
        out = SchemaChecks.addColumn(out, getRawPredictionCol(), SQLDataTypes.VectorType());
        return SchemaChecks.addColumn(out, getProbabilityCol(), SQLDataTypes.VectorType());
    }

    @Override
    public SparkpropClassificationModel copy(ParamMap extra) {
        return copyWith(new SparkpropClassificationModel(uid(), savedModel()), extra);
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

    public SparkpropClassificationModel setProbabilityCol(String value) {
        set(probabilityCol, value);
        return this;
    }

    public SparkpropClassificationModel setRawPredictionCol(String value) {
        set(rawPredictionCol, value);
        return this;
    }

    public static MLReader<SparkpropClassificationModel> read() {
        return new StageReader<>(SparkpropClassificationModel.class, SparkpropClassificationModel::new);
    }

    public static SparkpropClassificationModel load(String path) {
        return read().load(path);
    }
}
