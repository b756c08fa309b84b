package io.sparkprop.driver.ml;

import io.sparkprop.driver.model.ModelScorer;
import io.sparkprop.driver.model.SavedModel;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
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
 * A fitted sparkprop classifier, a Spark {@link ProbabilisticClassificationModel}: appends prediction
 * (the class index: argmax of the probability, or of p_k / t_k with thresholds), rawPrediction (the
 * logits, a vector of K; for two classes centred, [-m/2, m/2] with m the log-odds) and probability
 * (their softmax), each with Spark's numClasses metadata; a column whose name is set to "" is not
 * produced. {@link #transform} scores a batch of rows per forward pass ({@link BatchTransform});
 * {@link #predictRaw} is the one-row path Spark's API also offers.
 */
public final class SparkpropClassificationModel
        extends ProbabilisticClassificationModel<Vector, SparkpropClassificationModel>
        implements SparkpropModel, MLWritable {
    private static final long serialVersionUID = 2L;
    private static final Logger LOG = LoggerFactory.getLogger(SparkpropClassificationModel.class);

    private final String uid;
    private final SavedModel model;
    private TrainingSummary summary;

    /**
     * For {@link java.util.ServiceLoader} only, which lists the stages Spark Connect may create
     * (META-INF/services/org.apache.spark.ml.Transformer) and needs a public no-argument constructor;
     * the instance holds no network and scores nothing.
     */
    public SparkpropClassificationModel() {
        this(StageUid.hold(Identifiable.randomUID("sparkpropClassificationModel")), null);
    }

    /** Wraps a saved classification model, e.g. one the command line trained. */
    public SparkpropClassificationModel(SavedModel model) {
        this(Identifiable.randomUID("sparkpropClassificationModel"), model);
    }

    public SparkpropClassificationModel(String uid, SavedModel model) {
        this(StageUid.hold(uid), model);
    }

    private SparkpropClassificationModel(StageUid.Held uid, SavedModel model) {
        this.uid = uid.release();
        if (model != null && model.task() != SavedModel.Task.CLASSIFICATION) {
            throw new IllegalArgumentException("a " + model.task() + " model is not a classifier; use SparkpropRegressionModel");
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

    /** K, the number of classes. */
    @Override
    public int numClasses() {
        return new ModelScorer(model).classes();
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
        double[] thresholds = isDefined(thresholds()) ? getThresholds() : null;
        if (thresholds != null && thresholds.length != numClasses()) {
            throw new IllegalArgumentException("thresholds has " + thresholds.length + " values, the model has "
                    + numClasses() + " classes");
        }
        if (getPredictionCol().isEmpty() && getRawPredictionCol().isEmpty() && getProbabilityCol().isEmpty()) {
            LOG.warn("{}: transform appends nothing: predictionCol, rawPredictionCol and probabilityCol are all empty", uid);
            return dataset.toDF();
        }
        return BatchTransform.apply(model, dataset, outputSchema, getFeaturesCol(),
                new ModelScorer.Outputs(getPredictionCol(), getRawPredictionCol(), getProbabilityCol(), thresholds));
    }

    @Override
    public StructType validateAndTransformSchema(StructType schema, boolean fitting, DataType featuresDataType) {
        return SchemaChecks.predictorSchema(schema, fitting, getFeaturesCol(), getLabelCol(), getPredictionCol(),
                getRawPredictionCol(), getProbabilityCol());
    }

    /** The logits of one row (see the class comment for two classes). */
    @Override
    public Vector predictRaw(Vector features) {
        return Vectors.dense(new ModelScorer(model).rawPrediction(features.toArray()));
    }

    /** Softmax of the logits, p_k = exp(z_k - max z) / sum_j exp(z_j - max z), in place for a dense vector. */
    @Override
    public Vector raw2probabilityInPlace(Vector rawPrediction) {
        DenseVector dense = rawPrediction instanceof DenseVector d ? d : rawPrediction.toDense();
        double[] v = dense.values();
        double max = Double.NEGATIVE_INFINITY;
        for (double z : v) {
            max = Math.max(max, z);
        }
        double sum = 0;
        for (int k = 0; k < v.length; k++) {
            v[k] = Math.exp(v[k] - max);
            sum += v[k];
        }
        for (int k = 0; k < v.length; k++) {
            v[k] /= sum;
        }
        return dense;
    }

    /**
     * Spark's own (a copy whose empty output columns get names, for summaries). Declared again only
     * because Java sees two inherited signatures that differ in Scala's covariant Tuple3; the raw
     * return type satisfies both.
     */
    @Override
    @SuppressWarnings("rawtypes")
    public scala.Tuple3 findSummaryModel() {
        return super.findSummaryModel();
    }

    @Override
    public SparkpropClassificationModel copy(ParamMap extra) {
        SparkpropClassificationModel copy = copyValues(new SparkpropClassificationModel(uid, model), extra);
        copy.setSummary(summary);
        return hasParent() ? copy.setParent(parent()) : copy;
    }

    /**
     * Saves Spark's stage metadata (class, uid, parameters) and, in {@code model/}, the sparkprop model
     * format that {@code sparkprop predict} reads.
     */
    @Override
    public MLWriter write() {
        return new StageWriter(this, model);
    }

    public static MLReader<SparkpropClassificationModel> read() {
        return new StageReader<>(SparkpropClassificationModel.class, SparkpropClassificationModel::new);
    }

    public static SparkpropClassificationModel load(String path) {
        return read().load(path);
    }
}
