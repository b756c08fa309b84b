package io.sparkprop.driver.ml;

import io.sparkprop.driver.model.SavedModel;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML estimator for a feed-forward regressor trained with sparkprop: hidden layers
 * ({@code layers}, {@code activation}), one identity output, squared-error loss on a numeric label.
 * The fitted {@link SparkpropRegressionModel} appends the prediction column. All parameters:
 * {@link SparkpropEstimator}.
 */
public final class SparkpropRegressor extends SparkpropEstimator<SparkpropRegressor, SparkpropRegressionModel> {
    private static final long serialVersionUID = 1L;

    public SparkpropRegressor() {
        this(Identifiable.randomUID("sparkpropRegressor"));
    }

    public SparkpropRegressor(String uid) {
        super(uid);
    }

    @Override
    protected SavedModel.Task task() {
        return SavedModel.Task.REGRESSION;
    }

    @Override
    protected SparkpropRegressionModel newModel(String uid, SavedModel model) {
        return new SparkpropRegressionModel(uid, model);
    }

    @Override
    protected StructType addOutputColumns(StructType schema) {
        return SchemaChecks.addPrediction(schema, getPredictionCol());
    }

    public static MLReader<SparkpropRegressor> read() {
        return new StageReader<>(SparkpropRegressor.class, (uid, model) -> new SparkpropRegressor(uid));
    }

    public static SparkpropRegressor load(String path) {
        return read().load(path);
    }
}
