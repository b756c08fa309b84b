package io.sparkprop.driver.ml;

import io.sparkprop.driver.model.SavedModel;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructType;

/** A fitted sparkprop regressor: appends the prediction column (the network's first output). */
public final class SparkpropRegressionModel extends SparkpropModel<SparkpropRegressionModel> {
    private static final long serialVersionUID = 1L;

    /** Wraps a saved regression model, e.g. one the command line trained. */
    public SparkpropRegressionModel(SavedModel model) {
        this(Identifiable.randomUID("sparkpropRegressionModel"), model);
    }

    public SparkpropRegressionModel(String uid, SavedModel model) {
        super(uid, model);
        if (model.task() != SavedModel.Task.REGRESSION) {
            throw new IllegalArgumentException("a " + model.task() + " model is not a regressor; use SparkpropClassificationModel");
        }
    }

    @Override
    String probabilityColumn() {
        return null;
    }

    @Override
    String rawPredictionColumn() {
        return null;
    }

    @Override
    protected StructType addOutputColumns(StructType schema) {
        return SchemaChecks.addPrediction(schema, getPredictionCol());
    }

    @Override
    public SparkpropRegressionModel copy(ParamMap extra) {
        return copyWith(new SparkpropRegressionModel(uid(), savedModel()), extra);
    }

    public static MLReader<SparkpropRegressionModel> read() {
        return new StageReader<>(SparkpropRegressionModel.class, SparkpropRegressionModel::new);
    }

    public static SparkpropRegressionModel load(String path) {
        return read().load(path);
    }
}
