package io.sparkprop.driver.data;

import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * How to read one row's features: from one ML Vector column, one array column, or a list of numeric
 * columns, at known positions in the row. Used on the executors both to build training blocks
 * ({@link RowsToBlock}) and to score rows ({@code ModelScorer}), so a value is checked the same way
 * everywhere; an error names column, partition, row (index within the partition) and value.
 */
public final class RowFeatures implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String[] columns;
    private final BlockBuilder.FeatureKind kind;
    private final int[] positions;
    private final int width;
    /** A vector or array column's element names (feature j is column names[j] of the input), or null. */
    private final String[] names;

    private RowFeatures(String[] columns, BlockBuilder.FeatureKind kind, int[] positions, int width, String[] names) {
        this.columns = columns;
        this.kind = kind;
        this.positions = positions;
        this.width = width;
        this.names = names;
    }

    /**
     * The feature width a vector column declares in its ML attribute metadata (VectorAssembler and
     * most feature transformers write it), or -1 when it declares none (or is an array column).
     */
    public static int declaredWidth(StructType schema, String column) {
        StructField field = schema.apply(column);
        return field.dataType() instanceof VectorUDT ? AttributeGroup.fromStructField(field).size() : -1;
    }

    /**
     * Resolves the feature columns against a schema.
     *
     * @param columnList true for a list of numeric columns (one feature each), false for one
     *                   vector or array column
     * @param width      the network's input width
     */
    public static RowFeatures of(StructType schema, String[] columns, boolean columnList, int width) {
        return of(schema, columns, columnList, width, null);
    }

    /**
     * As {@link #of(StructType, String[], boolean, int)}; a vector or array column's feature j is reported as
     * column {@code names[j]} (null: as element j), its values checked as a numeric column's: the column
     * assembles the input's numeric columns {@code names} and a bad value names the one it came from.
     */
    static RowFeatures of(StructType schema, String[] columns, boolean columnList, int width, String[] names) {
        int[] positions = new int[columns.length];
        for (int i = 0; i < columns.length; i++) {
            Columns.require(schema, columns[i], "column");
            positions[i] = schema.fieldIndex(columns[i]);
        }
        if (columnList) {
            for (String c : columns) {
                DataType t = schema.apply(c).dataType();
                if (!(t instanceof NumericType)) {
                    throw new IllegalArgumentException("feature column '" + c + "' has type " + t.simpleString()
                            + ", expected a numeric type");
                }
            }
            if (columns.length != width) {
                throw new IllegalArgumentException(columns.length + " feature columns " + Arrays.toString(columns)
                        + ", expected " + width + " (the network's input width)");
            }
            return new RowFeatures(columns.clone(), BlockBuilder.FeatureKind.COLUMNS, positions, width, null);
        }
        DataType t = schema.apply(columns[0]).dataType();
        boolean vector = t.equals(SQLDataTypes.VectorType());
        if (vector || t instanceof ArrayType && ((ArrayType) t).elementType() instanceof NumericType) {
            if (names != null && names.length != width) {
                throw new IllegalArgumentException(names.length + " names for the " + width + " features of column '"
                        + columns[0] + "'");
            }
            return new RowFeatures(columns.clone(), vector ? BlockBuilder.FeatureKind.VECTOR : BlockBuilder.FeatureKind.ARRAY,
                    positions, width, names == null ? null : names.clone());
        }
        throw new IllegalArgumentException("feature column '" + columns[0] + "' has type " + t.simpleString()
                + ", expected an ML Vector (org.apache.spark.ml.linalg.Vector) or array<double|float>;"
                + " for several numeric columns use featureColumns(...)");
    }

    BlockBuilder.FeatureKind kind() {
        return kind;
    }

    public int width() {
        return width;
    }

    /** How many row fields the features occupy (1 for a vector or array column). */
    int fields() {
        return columns.length;
    }

    /** The column feature j comes from. */
    String column(int j) {
        return kind == BlockBuilder.FeatureKind.COLUMNS ? columns[j] : names != null ? names[j] : columns[0];
    }

    /** True when the row's feature vector is stored sparse. */
    boolean isSparse(Row row) {
        return kind == BlockBuilder.FeatureKind.VECTOR && row.get(positions[0]) instanceof SparseVector;
    }

    /** Writes the row's features to {@code x[at .. at + width)} as checked float32 values. */
    public void dense(Row row, float[] x, int at, int partition, int r) {
        switch (kind) {
            case VECTOR: {
                Vector v = vector(row, partition, r);
                if (v instanceof SparseVector) {
                    SparseVector s = (SparseVector) v;
                    Arrays.fill(x, at, at + width, 0f);
                    for (int k = 0; k < s.indices().length; k++) {
                        int j = s.indices()[k];
                        x[at + j] = feature(s.values()[k], column(j), names != null ? -1 : j, partition, r);
                    }
                } else {
                    double[] values = v.toArray();
                    for (int j = 0; j < width; j++) {
                        x[at + j] = feature(values[j], column(j), names != null ? -1 : j, partition, r);
                    }
                }
                return;
            }
            case ARRAY: {
                List<Object> values = array(row, partition, r);
                for (int j = 0; j < width; j++) {
                    String column = column(j);
                    x[at + j] = feature(number(values.get(j), column, partition, r), column, names != null ? -1 : j, partition, r);
                }
                return;
            }
            default:
                for (int j = 0; j < width; j++) {
                    x[at + j] = feature(scalar(row, j, partition, r), columns[j], -1, partition, r);
                }
        }
    }

    /**
     * Feature j of a list of numeric columns, read by the caller as {@code value} ({@code missing}: null), as a
     * float32 checked as {@link #dense} checks it.
     */
    public float feature(int j, double value, boolean missing, int partition, int r) {
        return feature(missing ? number(null, columns[j], partition, r) : value, columns[j], -1, partition, r);
    }

    /** The row's feature vector, checked for null and width. */
    Vector vector(Row row, int partition, int r) {
        if (row.isNullAt(positions[0])) {
            throw bad(columns[0], partition, r, "feature vector is null, expected " + width + " features");
        }
        Vector v = (Vector) row.get(positions[0]);
        checkWidth(v.size(), partition, r);
        return v;
    }

    /** The row's feature array, checked for null and width. */
    List<Object> array(Row row, int partition, int r) {
        if (row.isNullAt(positions[0])) {
            throw bad(columns[0], partition, r, "feature array is null, expected " + width + " features");
        }
        List<Object> values = row.getList(positions[0]);
        checkWidth(values.size(), partition, r);
        return values;
    }

    /** Feature j of a list of numeric columns. */
    double scalar(Row row, int j, int partition, int r) {
        return number(row.get(positions[j]), columns[j], partition, r);
    }

    private void checkWidth(int size, int partition, int r) {
        if (size != width) {
            throw bad(columns[0], partition, r, size + " features, expected " + width + " (the network's input width)");
        }
    }

    static double number(Object value, String column, int partition, int r) {
        if (value == null) {
            throw bad(column, partition, r, "value is null, expected a number");
        }
        return ((Number) value).doubleValue();
    }

    /** The value as float32, which must be finite (a double beyond float range becomes infinite). */
    static float feature(double value, String column, int index, int partition, int r) {
        float f = (float) value;
        if (!Float.isFinite(f)) {
            throw bad(column, partition, r, (index >= 0 ? "feature " + index + " is " : "value is ") + value
                    + ", expected a finite float32 number");
        }
        return f;
    }

    static BadInputException bad(String column, int partition, int row, String what) {
        return new BadInputException(column, partition, row, what);
    }
}
