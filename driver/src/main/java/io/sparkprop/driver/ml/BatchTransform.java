package io.sparkprop.driver.ml;

import io.sparkprop.driver.data.RowFeatures;
import io.sparkprop.driver.model.ModelScorer;
import io.sparkprop.driver.model.SavedModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/**
 * The models' transform: the output columns Spark's schema asks for, computed a batch of rows per
 * forward pass by {@link ModelScorer} (Spark's own transform would call predictRaw once per row),
 * with the metadata Spark's transformSchema gives them (numClasses on prediction, rawPrediction and
 * probability), so evaluators and OneVsRest read them as they read MLlib's.
 *
 * <p>Feature width: a features column that declares its width (VectorAssembler does) is checked
 * here; otherwise every row is checked when the result is computed. Either way a mismatch fails with
 * both widths in the message.
 */
final class BatchTransform {
    private BatchTransform() {
    }

    /** @param outputSchema the model's transformSchema of the data; output columns named "" are not produced */
    static Dataset<Row> apply(SavedModel model, Dataset<?> dataset, StructType outputSchema, String featuresCol,
                              ModelScorer.Outputs outputs) {
        int declared = RowFeatures.declaredWidth(dataset.schema(), featuresCol);
        if (declared >= 0 && declared != model.spec().inputWidth()) {
            throw new IllegalArgumentException("features column '" + featuresCol + "' has " + declared
                    + " features, the model expects " + model.spec().inputWidth());
        }
        Dataset<Row> scored = new ModelScorer(model).transform(dataset.toDF(), List.of(featuresCol), outputs);
        for (String column : new String[] {outputs.prediction(), outputs.rawPrediction(), outputs.probability()}) {
            if (column != null && !column.isEmpty() && List.of(scored.columns()).contains(column)) {
                scored = scored.withMetadata(column, outputSchema.apply(column).metadata());
            }
        }
        return scored;
    }
}
