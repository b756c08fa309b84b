package io.sparkprop.driver.data;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.List;

/**
 * A fit's features: one vector or array column ({@code vector}), or numeric columns, one feature
 * each ({@code scalars}, with {@code vector} null), or an array column that assembles the numeric
 * columns {@code scalars} of the input ({@link #assembled}: the model's features are those columns).
 */
public record FeatureColumns(String vector, List<String> scalars) {
    public FeatureColumns {
        scalars = List.copyOf(scalars);
    }

    public static FeatureColumns vector(String column) {
        return new FeatureColumns(column, List.of());
    }

    public static FeatureColumns scalars(List<String> columns) {
        return new FeatureColumns(null, columns);
    }

    /**
     * An array column whose element j is the input's numeric column {@code names[j]}: one column for Spark
     * to plan however many there are, named as the columns in the model and in messages.
     */
    public static FeatureColumns assembled(String column, List<String> names) {
        return new FeatureColumns(column, names);
    }

    /** The vector width (declared in the column's metadata, else the first row's), or the scalar column count. */
    public int width(Dataset<Row> data) {
        if (vector == null || !scalars.isEmpty()) {
            return scalars.size();
        }
        int declared = RowFeatures.declaredWidth(data.schema(), vector);
        if (declared >= 0) {
            return declared;
        }
        // the first row that has one: a null vector is reported with its place when the blocks are built
        List<Row> first = data.select(Columns.col(vector)).where(Columns.col(vector).isNotNull()).limit(1).collectAsList();
        if (first.isEmpty()) {
            throw new IllegalArgumentException("the training data has no feature vector in column '" + vector
                    + "': it is empty or every row's is null");
        }
        Object v = first.get(0).get(0);
        if (v instanceof Vector x) {
            return x.size();
        }
        if (v instanceof scala.collection.Seq<?> seq) {
            return seq.size();
        }
        if (v instanceof List<?> list) {
            return list.size();
        }
        throw new IllegalArgumentException("features column '" + vector + "' holds " + v.getClass().getSimpleName()
                + ", expected a vector or an array of numbers");
    }

    /** Names of the features: the scalar columns, or {@code column[i]} for a vector column. */
    public List<String> names(int width) {
        if (vector == null || !scalars.isEmpty()) {
            return scalars;
        }
        List<String> out = new ArrayList<>(width);
        for (int i = 0; i < width; i++) {
            out.add(vector + "[" + i + "]");
        }
        return out;
    }

    /** {@code builder} reading these columns. */
    public BlockBuilder readBy(BlockBuilder builder) {
        if (vector == null) {
            return builder.featureColumns(scalars.toArray(new String[0]));
        }
        return scalars.isEmpty() ? builder.features(vector) : builder.features(vector, scalars);
    }
}
