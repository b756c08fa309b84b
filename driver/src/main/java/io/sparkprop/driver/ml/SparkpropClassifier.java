package io.sparkprop.driver.ml;

import io.sparkprop.driver.config.Setting;
import io.sparkprop.driver.model.SavedModel;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML probabilistic classifier trained with sparkprop: hidden layers ({@code layers},
 * {@code activation}), a softmax output over the classes 0 .. max(label), softmax cross-entropy
 * loss. As a {@link ProbabilisticClassifier} it has Spark's column parameters (featuresCol, labelCol,
 * predictionCol, rawPredictionCol, probabilityCol) and thresholds, and works wherever MLlib's
 * classifiers do (Pipeline, CrossValidator, OneVsRest, the evaluators). The fitted
 * {@link SparkpropClassificationModel} appends prediction (class index), rawPrediction (logits) and
 * probability. The training parameters: {@link SparkpropParams}.
 * <pre>
 *   SparkpropClassificationModel model = new SparkpropClassifier()
 *       .setLayers(64, 32).setMaxIter(20).setStepSize(1e-3).fit(train);
 * </pre>
 */
public final class SparkpropClassifier
        extends ProbabilisticClassifier<Vector, SparkpropClassifier, SparkpropClassificationModel>
        implements SparkpropParams<SparkpropClassifier>, MLWritable {
    private static final long serialVersionUID = 2L;

    private final String uid;
    private final SettingParams settings;

    public SparkpropClassifier() {
        this(Identifiable.randomUID("sparkpropClassifier"));
    }

    public SparkpropClassifier(String uid) {
        this(StageUid.hold(uid));
    }

    private SparkpropClassifier(StageUid.Held uid) {
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

    /** Trains through {@link io.sparkprop.driver.train.ModelFit}; Spark's fit has checked the schema and cast the label to double. */
    @Override
    public SparkpropClassificationModel train(Dataset<?> dataset) {
        SettingParams.Fitted fit = SettingParams.fit(this, SavedModel.Task.CLASSIFICATION, dataset, getFeaturesCol(), getLabelCol());
        SparkpropClassificationModel model = new SparkpropClassificationModel(uid(), fit.model());
        model.setSummary(fit.summary());
        return model;
    }

    /** Features a Vector or an array of numbers; messages that name the column (see {@link SchemaChecks}). */
    @Override
    public StructType validateAndTransformSchema(StructType schema, boolean fitting, DataType featuresDataType) {
        return SchemaChecks.predictorSchema(schema, fitting, getFeaturesCol(), getLabelCol(), getPredictionCol(),
                getRawPredictionCol(), getProbabilityCol());
    }

    @Override
    public SparkpropClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public MLWriter write() {
        return new StageWriter(this, null);
    }

    public static MLReader<SparkpropClassifier> read() {
        return new StageReader<>(SparkpropClassifier.class, (uid, model) -> new SparkpropClassifier(uid));
    }

    public static SparkpropClassifier load(String path) {
        return read().load(path);
    }
}
