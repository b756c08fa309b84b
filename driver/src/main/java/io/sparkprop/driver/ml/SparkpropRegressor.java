package io.sparkprop.driver.ml;

import io.sparkprop.driver.config.Setting;
import io.sparkprop.driver.model.SavedModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.Regressor;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML regressor trained with sparkprop: hidden layers ({@code layers}, {@code activation}),
 * identity outputs, squared-error loss. As a {@link Regressor} it has Spark's column parameters
 * (featuresCol, labelCol, predictionCol). The label is a number (one output, Spark's contract), or an
 * ML Vector or array of k numbers per row (k outputs, e.g. from a VectorAssembler over the target
 * columns); every row's label must have the same length. The fitted {@link SparkpropRegressionModel}
 * appends the prediction column: a double for one output, a Vector of k for several. The training
 * parameters: {@link SparkpropParams}.
 */
public final class SparkpropRegressor
        extends Regressor<Vector, SparkpropRegressor, SparkpropRegressionModel>
        implements SparkpropParams<SparkpropRegressor>, MLWritable {
    private static final long serialVersionUID = 2L;

    private final String uid;
    private final SettingParams settings;

    public SparkpropRegressor() {
        this(Identifiable.randomUID("sparkpropRegressor"));
    }

    public SparkpropRegressor(String uid) {
        this(StageUid.hold(uid));
    }

    private SparkpropRegressor(StageUid.Held uid) {
        this.uid = uid.release();
        this.settings = new SettingParams(this);
    }

    @Override
    public String uid() {
        return uid != null ? uid : StageUid.pending();
    }

    @Override
    public Param<?> param(Setting<?> setting) {
        return settings.param(setting);
    }

    @Override
    public Param<String> weightCol() {
        return settings.weightCol();
    }

    /**
     * Spark's fit for a numeric label (it casts the label to double, then calls {@link #train}); for a
     * Vector or array label the same steps without the cast, which Spark cannot do to a vector.
     */
    @Override
    public SparkpropRegressionModel fit(Dataset<?> dataset) {
        if (!SchemaChecks.requireRegressionLabel(dataset.schema(), getLabelCol())) {
            return super.fit(dataset);
        }
        transformSchema(dataset.schema(), true);
        SparkpropRegressionModel model = train(dataset);
        model.setParent(this);
        return copyValues(model, ParamMap.empty());
    }

    /** Trains through {@link io.sparkprop.driver.train.ModelFit}; fit has checked the schema (and cast a numeric label to double). */
    @Override
    public SparkpropRegressionModel train(Dataset<?> dataset) {
        SettingParams.Fitted fit = SettingParams.fit(this, SavedModel.Task.REGRESSION, dataset, getFeaturesCol(), getLabelCol());
        SparkpropRegressionModel model = new SparkpropRegressionModel(uid(), fit.model());
        model.setSummary(fit.summary());
        return model;
    }

    /** Features a Vector or an array of numbers; messages that name the column (see {@link SchemaChecks}). */
    @Override
    public StructType validateAndTransformSchema(StructType schema, boolean fitting, DataType featuresDataType) {
        return SchemaChecks.regressorSchema(schema, fitting, getFeaturesCol(), getLabelCol(), getPredictionCol(), 0);
    }

    @Override
    public SparkpropRegressor copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public MLWriter write() {
        return new StageWriter(this, null);
    }

    public static MLReader<SparkpropRegressor> read() {
        return new StageReader<>(SparkpropRegressor.class, (uid, model) -> new SparkpropRegressor(uid));
    }

    public static SparkpropRegressor load(String path) {
        return read().load(path);
    }
}
