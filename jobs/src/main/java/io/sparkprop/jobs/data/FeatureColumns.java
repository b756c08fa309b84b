package io.sparkprop.jobs.data;

import io.sparkprop.driver.config.ConfigurationException;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which columns hold the features: one vector or array column, or a list of scalar columns
 * ({@code a,b,c}, or {@code *} for every column but the label columns and the weight column).
 */
public final class FeatureColumns {
    private final String vectorColumn;
    private final List<String> scalarColumns;

    private FeatureColumns(String vectorColumn, List<String> scalarColumns) {
        this.vectorColumn = vectorColumn;
        this.scalarColumns = scalarColumns;
    }

    /**
     * The label columns data.label names: one column, or a comma-separated list of numeric columns (the
     * targets of a regression of that many outputs, in order).
     */
    public static List<String> labelColumns(String setting) {
        List<String> out = new ArrayList<>();
        for (String c : setting.split(",", -1)) {
            String name = c.trim();
            if (name.isEmpty() || out.contains(name)) {
                throw new ConfigurationException("data.label = '" + setting + "' " + (name.isEmpty() ? "has an empty column name"
                        : "names column '" + name + "' twice") + "; expected one column, or several comma-separated"
                        + " columns (the targets of a regression)");
            }
            out.add(name);
        }
        return out;
    }

    /**
     * Resolves {@code spec} (the value of data.features) against the dataset's schema; {@code labels}
     * are the label columns and {@code weight} the weight column (null for none), never features.
     */
    public static FeatureColumns resolve(Dataset<Row> data, String spec, List<String> labels, String weight) {
        List<String> available = Arrays.asList(data.columns());
        for (String label : labels) {
            if (!available.contains(label)) {
                throw new IllegalArgumentException("label column '" + label + "' is missing; the data has columns " + available
                        + " (set data.label)");
            }
        }
        String s = spec.trim();
        if (s.equals("*")) {
            List<String> cols = new ArrayList<>(available);
            cols.removeAll(labels);
            if (weight != null) {
                cols.remove(weight);
            }
            return new FeatureColumns(null, cols);
        }
        if (s.contains(",")) {
            Set<String> names = new HashSet<>(available);
            List<String> cols = new ArrayList<>();
            for (String c : s.split(",")) {
                String name = c.trim();
                if (!names.contains(name)) {
                    throw new IllegalArgumentException("feature column '" + name + "' is missing; the data has columns " + available);
                }
                notATarget(name, labels, weight);
                cols.add(name);
            }
            return new FeatureColumns(null, cols);
        }
        notATarget(s, labels, weight);
        if (!available.contains(s)) {
            throw new IllegalArgumentException("feature column '" + s + "' is missing; the data has columns " + available
                    + " (set data.features to a vector column, a comma-separated list of columns, or *)");
        }
        DataType type = field(data, s).dataType();
        if (type instanceof VectorUDT || type instanceof ArrayType) {
            return new FeatureColumns(s, List.of());
        }
        return new FeatureColumns(null, List.of(s));
    }

    /** A feature that is also the label or the weight would train the model on its own answer. */
    private static void notATarget(String feature, List<String> labels, String weight) {
        if (labels.contains(feature) || feature.equals(weight)) {
            String role = labels.contains(feature) ? "label (data.label)" : "weight (data.weight)";
            throw new IllegalArgumentException("column '" + feature + "' is listed among the features (data.features) and is"
                    + " also the " + role + "; remove it from --features");
        }
    }

    private static StructField field(Dataset<Row> data, String name) {
        return data.schema().apply(name);
    }

    public boolean isVector() {
        return vectorColumn != null;
    }

    public String vectorColumn() {
        return vectorColumn;
    }

    public List<String> scalarColumns() {
        return scalarColumns;
    }

    /** Every column training reads: the features, then the labels and the weight (null for none). */
    public List<String> readColumns(List<String> labels, String weight) {
        List<String> out = new ArrayList<>(isVector() ? List.of(vectorColumn) : scalarColumns);
        out.addAll(labels);
        if (weight != null) {
            out.add(weight);
        }
        return out;
    }

    /** Scalar columns stored as text (CSV) that must be cast to numbers first. */
    public List<String> textColumns(Dataset<Row> data) {
        List<String> out = new ArrayList<>();
        for (String c : scalarColumns) {
            if (field(data, c).dataType() instanceof StringType) {
                out.add(c);
            } else if (!(field(data, c).dataType() instanceof NumericType)) {
                throw new IllegalArgumentException("feature column '" + c + "' has type " + field(data, c).dataType().simpleString()
                        + ", expected a number");
            }
        }
        return out;
    }

    /** The input width: the first row's vector or array length, or the number of scalar columns. */
    public int width(Dataset<Row> data) {
        if (!isVector()) {
            return scalarColumns.size();
        }
        List<Row> first = data.select(vectorColumn).limit(1).collectAsList();
        if (first.isEmpty()) {
            throw new IllegalArgumentException("the training data is empty");
        }
        Object v = first.get(0).get(0);
        if (v instanceof Vector) {
            return ((Vector) v).size();
        }
        if (v instanceof scala.collection.Seq) {
            return ((scala.collection.Seq<?>) v).size();
        }
        if (v instanceof List) {
            return ((List<?>) v).size();
        }
        throw new IllegalArgumentException("feature column '" + vectorColumn + "' holds " + (v == null ? "null" : v.getClass().getSimpleName())
                + " in its first row, expected a vector or an array of numbers");
    }

    /** Names of the features: the scalar columns, or {@code column[i]} for a vector column. */
    public List<String> names(int width) {
        if (!isVector()) {
            return scalarColumns;
        }
        List<String> out = new ArrayList<>(width);
        for (int i = 0; i < width; i++) {
            out.add(vectorColumn + "[" + i + "]");
        }
        return out;
    }
}
