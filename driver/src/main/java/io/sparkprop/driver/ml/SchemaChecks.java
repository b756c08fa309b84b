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

    /** The output column does not exist yet, and is added with {@code type}. */
    static StructType addColumn(StructType schema, String column, DataType type) {
        if (Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("output column '" + column + "' already exists in the data");
        }
        return schema.add(column, type, false);
    }

    static StructType addPrediction(StructType schema, String predictionCol) {
        return addColumn(schema, predictionCol, DataTypes.DoubleType);
    }
}
