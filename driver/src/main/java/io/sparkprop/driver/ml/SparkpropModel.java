package io.sparkprop.driver.ml;

import io.sparkprop.driver.data.RowFeatures;
import io.sparkprop.driver.model.ModelScorer;
import io.sparkprop.driver.model.OnnxExporter;
import io.sparkprop.driver.model.SavedModel;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.util.List;

/**
 * What the two fitted models share: a {@link SavedModel} (the same model the command line writes and
 * reads), scoring through {@link ModelScorer}, persistence and ONNX export.
 *
 * <p>Feature width: a features column that declares its width (VectorAssembler does) is checked when
 * {@link #transform} is called; otherwise every row is checked when the result is computed. Either
 * way a mismatch fails with both widths in the message.
 */
public abstract class SparkpropModel<M extends SparkpropModel<M>> extends Model<M> implements MLWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final SavedModel model;
    private final Param<String> featuresCol;
    private final Param<String> predictionCol;
    private TrainingSummary summary;

    protected SparkpropModel(String uid, SavedModel model) {
        this.uid = uid;
        this.model = model;
        featuresCol = new Param<>(this, "featuresCol", "features column: an ML Vector (or array<double>) per row",
                new ParamRange<String>("featuresCol", "a column name", s -> !s.isEmpty()));
        predictionCol = new Param<>(this, "predictionCol", "prediction column appended by transform",
                new ParamRange<String>("predictionCol", "a column name", s -> !s.isEmpty()));
        setDefault(featuresCol, "features");
        setDefault(predictionCol, "prediction");
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The trained network, its parameters, standardisation and labels. */
    public SavedModel savedModel() {
        return model;
    }

    /** Features per row the network takes. */
    public int numFeatures() {
        return model.spec().inputWidth();
    }

    public boolean hasSummary() {
        return summary != null;
    }

    /** The training summary of the fit that produced this model; not available after loading. */
    public TrainingSummary summary() {
        if (summary == null) {
            throw new IllegalStateException(uid + " has no training summary: it was loaded or copied, not fitted in this session");
        }
        return summary;
    }

    void setSummary(TrainingSummary summary) {
        this.summary = summary;
    }

    /** The model as an ONNX graph (see {@link OnnxExporter}). */
    public byte[] toOnnx() {
        return OnnxExporter.toBytes(model);
    }

    /** Writes the ONNX model to a file (local path or any Hadoop file system URI). */
    public void saveOnnx(String file, boolean overwrite) throws IOException {
        OnnxExporter.write(model, file, overwrite, new Configuration());
    }

    /** Probability and raw-prediction column names for the scorer; regression models have none. */
    abstract String probabilityColumn();

    abstract String rawPredictionColumn();

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        int declared = RowFeatures.declaredWidth(dataset.schema(), getFeaturesCol());
        if (declared >= 0 && declared != numFeatures()) {
            throw new IllegalArgumentException("features column '" + getFeaturesCol() + "' has " + declared
                    + " features, the model expects " + numFeatures());
        }
        return new ModelScorer(model).transform(dataset.toDF(), List.of(getFeaturesCol()), getPredictionCol(),
                probabilityColumn(), rawPredictionColumn());
    }

    /** Checks the features column and appends the output columns. */
    @Override
    public StructType transformSchema(StructType schema) {
        SchemaChecks.requireFeatures(schema, getFeaturesCol());
        return addOutputColumns(schema);
    }

    protected abstract StructType addOutputColumns(StructType schema);

    /**
     * Saves Spark's stage metadata (class, uid, parameters) and, in {@code model/}, the sparkprop model
     * format that {@code sparkprop predict} reads.
     */
    @Override
    public MLWriter write() {
        return new StageWriter(this, model);
    }

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public String getFeaturesCol() {
        return getOrDefault(featuresCol);
    }

    public String getPredictionCol() {
        return getOrDefault(predictionCol);
    }

    @SuppressWarnings("unchecked")
    public M setFeaturesCol(String value) {
        set(featuresCol, value);
        return (M) this;
    }

    @SuppressWarnings("unchecked")
    public M setPredictionCol(String value) {
        set(predictionCol, value);
        return (M) this;
    }

    /** A copy with the same model and summary and this model's parameters plus {@code extra}. */
    protected final M copyWith(M copy, org.apache.spark.ml.param.ParamMap extra) {
        M out = copyValues(copy, extra);
        out.setSummary(summary);
        if (hasParent()) {
            out.setParent(parent());
        }
        return out;
    }
}
