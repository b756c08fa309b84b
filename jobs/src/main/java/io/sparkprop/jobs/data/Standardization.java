package io.sparkprop.jobs.data;

import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Feature standardisation fitted on the training data: {@code x' = (x - mean) / std} per feature,
 * and {@code x' = 0} where the training std is 0 (a constant feature carries no information). Sparse
 * data is only scaled (mean taken as 0) so it stays sparse. Fitting uses Spark ML's StandardScaler;
 * the statistics are stored in the model, and prediction applies the same rule.
 */
public final class Standardization {
    /** The column the standardised features are written to. */
    public static final String OUTPUT = "__sparkprop_features";
    private static final String ASSEMBLED = "__sparkprop_assembled";

    private final StandardScalerModel model;
    private final FeatureColumns input;

    private Standardization(StandardScalerModel model, FeatureColumns input) {
        this.model = model;
        this.input = input;
    }

    public static Standardization fit(Dataset<Row> train, FeatureColumns features, boolean center) {
        Dataset<Row> assembled = assemble(train, features);
        StandardScalerModel m = new StandardScaler().setInputCol(vectorColumn(features)).setOutputCol(OUTPUT)
                .setWithMean(center).setWithStd(true).fit(assembled);
        return new Standardization(m, features);
    }

    /** Adds the standardised feature vector as column {@link #OUTPUT}. */
    public Dataset<Row> apply(Dataset<Row> data) {
        return model.transform(assemble(data, input));
    }

    public float[] mean() {
        double[] m = model.getWithMean() ? model.mean().toArray() : new double[model.std().size()];
        return toFloats(m);
    }

    public float[] std() {
        return toFloats(model.std().toArray());
    }

    private static Dataset<Row> assemble(Dataset<Row> data, FeatureColumns features) {
        if (features.isVector()) {
            return data;
        }
        return new VectorAssembler().setInputCols(features.scalarColumns().toArray(new String[0]))
                .setOutputCol(ASSEMBLED).setHandleInvalid("error").transform(data);
    }

    private static String vectorColumn(FeatureColumns features) {
        return features.isVector() ? features.vectorColumn() : ASSEMBLED;
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
