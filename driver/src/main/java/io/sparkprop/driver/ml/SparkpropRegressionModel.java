package io.sparkprop.driver.ml;

import io.sparkprop.driver.model.ModelScorer;
import io.sparkprop.driver.model.SavedModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fitted sparkprop regressor, a Spark {@link RegressionModel}: appends the prediction column (the
 * network's output in the label's units: a double for one output, as Spark's regressors, or a dense
 * Vector of k values for k outputs), scoring a batch of rows per forward pass ({@link BatchTransform}).
 */
public final class SparkpropRegressionModel extends RegressionModel<Vector, SparkpropRegressionModel>
        implements SparkpropModel, MLWritable {
    private static final long serialVersionUID = 2L;
    private static final Logger LOG = LoggerFactory.getLogger(SparkpropRegressionModel.class);

    private final String uid;
    private final SavedModel model;
    private TrainingSummary summary;

    /**
     * For {@link java.util.ServiceLoader} only, which lists the stages Spark Connect may create
     * (META-INF/services/org.apache.spark.ml.Transformer) and needs a public no-argument constructor;
     * the instance holds no network and scores nothing.
     */
    public SparkpropRegressionModel() {
        this(StageUid.hold(Identifiable.randomUID("sparkpropRegressionModel")), null);
    }

    /** Wraps a saved regression model, e.g. one the command line trained. */
    public SparkpropRegressionModel(SavedModel model) {
        this(Identifiable.randomUID("sparkpropRegressionModel"), model);
    }

    public SparkpropRegressionModel(String uid, SavedModel model) {
        this(StageUid.hold(uid), model);
    }

    private SparkpropRegressionModel(StageUid.Held uid, SavedModel model) {
        this.uid = uid.release();
        if (model != null && model.task() != SavedModel.Task.REGRESSION) {
            throw new IllegalArgumentException("a " + model.task() + " model is not a regressor; use SparkpropClassificationModel");
        }
        this.model = model;
    }

    @Override
    public String uid() {
        return uid != null ? uid : StageUid.pending();
    }

    @Override
    public SavedModel savedModel() {
        return model;
    }

    /** Features per row the network takes. */
    @Override
    public int numFeatures() {
        return model.spec().inputWidth();
    }

    @Override
    public boolean hasSummary() {
        return summary != null;
    }

    @Override
    public TrainingSummary summary() {
        if (summary == null) {
            throw new IllegalStateException(uid + " has no training summary: it was loaded or copied, not fitted in this session");
        }
        return summary;
    }

    void setSummary(TrainingSummary summary) {
        this.summary = summary;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType outputSchema = transformSchema(dataset.schema(), true);
        if (getPredictionCol().isEmpty()) {
            LOG.warn("{}: transform appends nothing: predictionCol is empty", uid);
            return dataset.toDF();
        }
        return BatchTransform.apply(model, dataset, outputSchema, getFeaturesCol(),
                new ModelScorer.Outputs(getPredictionCol(), null, null, null));
    }

    @Override
    public StructType validateAndTransformSchema(StructType schema, boolean fitting, DataType featuresDataType) {
        return SchemaChecks.regressorSchema(schema, fitting, getFeaturesCol(), getLabelCol(), getPredictionCol(),
                model.spec().outputWidth());
    }

    /**
     * Spark's for one output (a numeric prediction column with its attribute); for k > 1 outputs the
     * Vector prediction column, which Spark's would replace by a double.
     */
    @Override
    public StructType transformSchema(StructType schema) {
        if (model.spec().outputWidth() == 1) {
            return super.transformSchema(schema);
        }
        return validateAndTransformSchema(schema, false, featuresDataType());
    }

    /** k, the values each prediction has (1: a double). */
    public int numOutputs() {
        return model.spec().outputWidth();
    }

    /** The prediction for one row (a single-row forward pass) of a model of one output; see {@link #predictAll}. */
    @Override
    public double predict(Vector features) {
        return new ModelScorer(model).predict(features.toArray());
    }

    /** The k predictions for one row, in output order (a single-row forward pass). */
    public Vector predictAll(Vector features) {
        return org.apache.spark.ml.linalg.Vectors.dense(new ModelScorer(model).predictAll(features.toArray()));
    }

    @Override
    public SparkpropRegressionModel copy(ParamMap extra) {
        SparkpropRegressionModel copy = copyValues(new SparkpropRegressionModel(uid, model), extra);
        copy.setSummary(summary);
        return hasParent() ? copy.setParent(parent()) : copy;
    }

    @Override
    public MLWriter write() {
        return new StageWriter(this, model);
    }

    public static MLReader<SparkpropRegressionModel> read() {
        return new StageReader<>(SparkpropRegressionModel.class, SparkpropRegressionModel::new);
    }

    public static SparkpropRegressionModel load(String path) {
        return read().load(path);
    }
}
