package io.sparkprop.driver.ml;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;

/** Column checks shared by the estimators and models, with messages that name the column. */
final class SchemaChecks {
    private SchemaChecks() {
    }

    /** The features column exists and is an ML Vector or an array of numbers. */
    static void requireFeatures(StructType schema, String column) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("features column '" + column + "' is missing; the data has columns "
                    + Arrays.toString(schema.fieldNames()));
        }
        DataType t = schema.apply(column).dataType();
        boolean array = t instanceof ArrayType && ((ArrayType) t).elementType() instanceof NumericType;
        if (!t.equals(SQLDataTypes.VectorType()) && !array) {
            throw new IllegalArgumentException("features column '" + column + "' has type " + t.simpleString()
                    + ", expected an ML Vector (e.g. from VectorAssembler) or array<double>");
        }
    }

    /** The label column exists and holds numbers. */
    static void requireLabel(StructType schema, String column) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("label column '" + column + "' is missing; the data has columns "
                    + Arrays.toString(schema.fieldNames()));
        }
        if (!(schema.apply(column).dataType() instanceof NumericType)) {
            throw new IllegalArgumentException("label column '" + column + "' has type "
                    + schema.apply(column).dataType().simpleString() + ", expected a number");
        }
    }

    /** The output column does not exist yet, and is added with {@code type}; an empty name adds nothing. */
    static StructType addColumn(StructType schema, String column, DataType type) {
        if (column.isEmpty()) {
            return schema;
        }
        if (Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("output column '" + column + "' already exists in the data");
        }
        return schema.add(column, type, false);
    }

    /**
     * What Spark's validateAndTransformSchema does for a predictor, with features as a Vector or an
     * array of numbers and messages that name the column: checks the features (and, when fitting,
     * the label) and appends prediction (a double), then rawPrediction and probability (vectors) for
     * a classifier (null names: a regressor). Spark's transformSchema then adds the columns' metadata.
     */
    static StructType predictorSchema(StructType schema, boolean fitting, String featuresCol, String labelCol,
                                      String predictionCol, String rawPredictionCol, String probabilityCol) {
        requireFeatures(schema, featuresCol);
        if (fitting) {
            requireLabel(schema, labelCol);
        }
        StructType out = addColumn(schema, predictionCol, DataTypes.DoubleType);
        if (rawPredictionCol != null) {
            out = addColumn(out, rawPredictionCol, SQLDataTypes.VectorType());
            out = addColumn(out, probabilityCol, SQLDataTypes.VectorType());
        }
        return out;
    }

    /** A set row-weight column must exist and be numeric (empty: no weights). */
    static void weightColumn(StructType schema, String weight) {
        if (weight.isEmpty()) {
            return;
        }
        if (!Arrays.asList(schema.fieldNames()).contains(weight)) {
            throw new IllegalArgumentException("weight column '" + weight + "' is missing; the data has columns "
                    + Arrays.toString(schema.fieldNames()));
        }
        if (!(schema.apply(weight).dataType() instanceof NumericType)) {
            throw new IllegalArgumentException("weight column '" + weight + "' has type "
                    + schema.apply(weight).dataType().simpleString() + ", expected a number >= 0 per row");
        }
    }

    /**
     * A regressor's label: a number (one output), or an ML Vector or array of numbers (one value per
     * output); true for the latter.
     */
    static boolean requireRegressionLabel(StructType schema, String column) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("label column '" + column + "' is missing; the data has columns "
                    + Arrays.toString(schema.fieldNames()));
        }
        DataType t = schema.apply(column).dataType();
        if (t instanceof NumericType) {
            return false;
        }
        if (t.equals(SQLDataTypes.VectorType()) || t instanceof ArrayType && ((ArrayType) t).elementType() instanceof NumericType) {
            return true;
        }
        throw new IllegalArgumentException("label column '" + column + "' has type " + t.simpleString()
                + ", expected a number, or an ML Vector or array<double> with one value per output");
    }

    /**
     * A regressor's validateAndTransformSchema: the features, when fitting the label (a number, a Vector
     * or an array), and the prediction column: a double for one output, an ML Vector for several.
     *
     * @param outputs the model's output count; 0 for an estimator, whose label decides (a number: one output;
     *                a vector: as many as it declares, else several)
     */
    static StructType regressorSchema(StructType schema, boolean fitting, String featuresCol, String labelCol,
                                      String predictionCol, int outputs) {
        requireFeatures(schema, featuresCol);
        boolean vectorLabel = fitting && requireRegressionLabel(schema, labelCol);
        boolean several = outputs > 1
                || outputs == 0 && vectorLabel && io.sparkprop.driver.data.RowFeatures.declaredWidth(schema, labelCol) != 1;
        return addColumn(schema, predictionCol, several ? SQLDataTypes.VectorType() : DataTypes.DoubleType);
    }
}
