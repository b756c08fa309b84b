package io.sparkprop.driver.data;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import static io.sparkprop.driver.config.TrainingSettings.CLASSES;
import static io.sparkprop.driver.config.TrainingSettings.MAX_CLASSES;

/**
 * A fit's label column(s), inspected before any network is sized by them: for classification one
 * column of class indices and the class count K; for regression the output count k and the outputs'
 * names. A refused label is reported at its place in the rows as given ({@link BadRowSearch}).
 */
public final class LabelColumns {
    /** Where a regression is trained: the hint for labels a classifier refuses. */
    private static final String REGRESSOR = "model.task=regression on the command line, SparkpropRegressor in Spark ML";
    /** For labels that are not class indices. */
    private static final String REGRESSION = " (for numeric targets train a regression: " + REGRESSOR + ")";
    /** For several targets per row. */
    private static final String SEVERAL_TARGETS = "; several targets per row are a regression (" + REGRESSOR + ")";

    private final List<String> labels;
    private final BadRowSearch.RowNames rowNames;
    private final Consumer<String> warning;

    /**
     * @param labels   the label columns: one, or several numeric columns (the targets of a regression)
     * @param rowNames how a bad row of an input file is named
     * @param warning  where a warning about the labels goes (classes no row has)
     */
    public LabelColumns(List<String> labels, BadRowSearch.RowNames rowNames, Consumer<String> warning) {
        this.labels = List.copyOf(labels);
        this.rowNames = rowNames;
        this.warning = warning;
    }

    /** The first (for classification the only) label column. */
    public String first() {
        return labels.get(0);
    }

    public List<String> all() {
        return labels;
    }

    /**
     * Classification takes one numeric label column of class indices: several label columns, or a
     * vector or array label, are the targets of a regression, and the message says so.
     */
    public void checkClassLabel(Dataset<Row> data) {
        if (labels.size() > 1) {
            throw new IllegalArgumentException("label columns " + String.join(",", labels) + ": classification takes one"
                    + " label column of class indices" + SEVERAL_TARGETS);
        }
        DataType t = labelType(data);
        if (t instanceof VectorUDT || t instanceof ArrayType) {
            throw new IllegalArgumentException("label column '" + first() + "' has type " + t.simpleString()
                    + ": classification takes one class index per row" + SEVERAL_TARGETS);
        }
    }

    /**
     * k, the outputs of a regression: the label columns' count; on one column 1 for a number, for an
     * ML Vector its declared width (VectorAssembler's metadata), else the first row's length, as for an
     * array; every other row is checked against it when the blocks are built.
     */
    public int targetWidth(Dataset<Row> data) {
        if (labels.size() > 1) {
            return labels.size();
        }
        String label = first();
        DataType t = labelType(data);
        if (t instanceof NumericType) {
            return 1;
        }
        boolean array = t instanceof ArrayType a && a.elementType() instanceof NumericType;
        if (!(t instanceof VectorUDT) && !array) {
            throw new IllegalArgumentException("label column '" + label + "' has type " + t.simpleString()
                    + ", expected a number, an ML Vector or array<double|float> (one value per output)");
        }
        int k = RowFeatures.declaredWidth(data.schema(), label);
        if (k < 0) {
            List<Row> first = data.select(Columns.col(label)).na().drop().limit(1).collectAsList();
            if (first.isEmpty()) {
                throw new IllegalArgumentException("the training data is empty (no labels in column '" + label + "')");
            }
            Object v = first.get(0).get(0);
            k = v instanceof Vector vector ? vector.size()
                    : v instanceof scala.collection.Seq<?> seq ? seq.size() : ((List<?>) v).size();
        }
        if (k < 1) {
            throw new IllegalArgumentException("label column '" + label + "' holds vectors of length 0, expected one value"
                    + " per output (at least 1)");
        }
        return k;
    }

    /** A network's outputs: K classes (no names), or the k targets of a regression and their names. */
    public record Outputs(int count, List<String> names) {
    }

    /**
     * The outputs the fit's rows call for: for classification the class label checked and the class count
     * (model.classes, {@code declared}, else max(label) + 1 over every labelled row as given); for regression
     * the target width and names.
     */
    public Outputs outputs(FitInputs inputs, boolean classification, int declared) {
        if (classification) {
            checkClassLabel(inputs.train());
            long[] held = inputs.heldLabelCounts();
            return new Outputs(held != null ? classCount(distinct(held), inputs.given(), declared)
                    : classCount(inputs.labelRows(first()), inputs.given(), declared), List.of());
        }
        int k = targetWidth(inputs.train());
        return new Outputs(k, targetNames(k));
    }

    /** The outputs' names: the label columns, {@code column[j]} for a vector or array column, or the one column. */
    public List<String> targetNames(int outputs) {
        if (labels.size() > 1 || outputs == 1) {
            return labels;
        }
        List<String> out = new ArrayList<>(outputs);
        for (int j = 0; j < outputs; j++) {
            out.add(first() + "[" + j + "]");
        }
        return out;
    }

    private DataType labelType(Dataset<Row> data) {
        Columns.require(data.schema(), first(), "label column");
        return data.schema().apply(first()).dataType();
    }

    /**
     * The class count K, checked before any network is sized by it: {@code declared} (model.classes)
     * when set (every label below it), else max(label) + 1, which must be at most
     * {@link io.sparkprop.driver.config.TrainingSettings#MAX_CLASSES} and at most the number of labelled
     * rows (a label far above the row count is a numeric target, not a class). Labels must be whole
     * numbers >= 0. Classes 0..K-1 that no row has are named in a warning unless model.classes declared
     * K. One Spark job over {@code labelRows}: the distinct labels with their counts, at most
     * MAX_CLASSES + 2 of them brought back; a label refused is then found in {@code inputs} (the rows
     * as given) to name its place.
     */
    public int classCount(Dataset<Row> labelRows, List<Dataset<Row>> inputs, int declared) {
        List<Row> distinct = labelRows.select(Columns.col(first()).cast(DataTypes.DoubleType).as("k")).na().drop()
                .groupBy("k").count().limit(MAX_CLASSES + 2).collectAsList();
        return classCount(distinct, inputs, declared);
    }

    /** The rows (label value, count) of the labels counted: the values with a row, as {@link #classCount} queries them. */
    private static List<Row> distinct(long[] counts) {
        List<Row> distinct = new ArrayList<>();
        for (int v = 0; v < counts.length; v++) {
            if (counts[v] > 0) {
                distinct.add(RowFactory.create((double) v, counts[v]));
            }
        }
        return distinct;
    }

    /** {@link #classCount(Dataset, List, int)} from its query's rows: each distinct label (double) and its rows (long). */
    private int classCount(List<Row> distinct, List<Dataset<Row>> inputs, int declared) {
        String label = first();
        if (distinct.isEmpty()) {
            throw new IllegalArgumentException("the training data is empty (no labels in column '" + label + "')");
        }
        if (distinct.size() > MAX_CLASSES + 1) {
            throw new IllegalArgumentException("column '" + label + "' has more than " + (MAX_CLASSES + 1) + " distinct values;"
                    + " a classifier takes at most " + MAX_CLASSES + " classes (" + CLASSES.key() + ")" + REGRESSION);
        }
        double top = Double.NEGATIVE_INFINITY;
        long rows = 0;
        BitSet present = new BitSet();
        LabelCheck classIndex = new LabelCheck(LabelCheck.Rule.CLASS_INDEX, 0, 0);
        for (Row r : distinct) {
            double k = r.getDouble(0);
            if (classIndex.problem(k) != null) {
                throw badLabel(classIndex, k, inputs);
            }
            top = Math.max(top, k);
            rows += r.getLong(1);
            if (k <= MAX_CLASSES) {
                present.set((int) k);
            }
        }
        if (declared > 0) {
            if (top >= declared) {
                throw badLabel(new LabelCheck(LabelCheck.Rule.DECLARED, declared, rows), top, inputs);
            }
            return declared;
        }
        if (top < 1) {
            throw new IllegalArgumentException("classification needs class indices 0, 1, ... in column '" + label
                    + "'; its largest value is " + top + ", so there is only one class" + REGRESSION);
        }
        LabelCheck count = new LabelCheck(LabelCheck.Rule.COUNT, Math.min(MAX_CLASSES, rows), rows);
        if (count.problem(top) != null) {
            throw badLabel(count, top, inputs);
        }
        warnAbsent(present, (int) top + 1);
        return (int) top + 1;
    }

    /** Names the classes 0..k-1 that no row has. */
    private void warnAbsent(BitSet present, int k) {
        List<Integer> absent = new ArrayList<>();
        for (int c = present.nextClearBit(0); c < k; c = present.nextClearBit(c + 1)) {
            absent.add(c);
        }
        if (!absent.isEmpty()) {
            warning.accept("classes " + absent + " never occur in column '" + first() + "' of the training and validation"
                    + " data; the network gets K = " + k + " outputs from the largest label " + (k - 1) + ". Set "
                    + CLASSES.key() + " (Spark ML classCount) to declare the class count on purpose, or check the labels");
        }
    }

    /** n_k over the training rows of {@code inputs}: from the images when the driver holds them, else as {@link #classRows(Dataset, int)}. */
    public long[] classRows(FitInputs inputs, int classes) {
        return inputs.trainedImages() != null ? inputs.trainedImages().classRows(classes) : classRows(inputs.train(), classes);
    }

    /** n_k: the rows of each class k in [0, classes) (labels outside are rejected when the blocks are built). */
    public long[] classRows(Dataset<Row> data, int classes) {
        long[] counts = new long[classes];
        for (Row r : data.groupBy(Columns.col(first()).cast(DataTypes.DoubleType)).count().collectAsList()) {
            if (!r.isNullAt(0)) {
                double y = r.getDouble(0);
                if (y >= 0 && y < classes && y == Math.rint(y)) {
                    counts[(int) y] += r.getLong(1);
                }
            }
        }
        return counts;
    }

    /**
     * The refusal of label {@code value} by {@code check}, at the place of the first row of
     * {@code inputs} the check refuses (its own value, which may differ from {@code value}), or
     * naming the column alone when no row can be found.
     */
    private BadInputException badLabel(LabelCheck check, double value, List<Dataset<Row>> inputs) {
        String label = first();
        Column[] read = {Columns.col(label).cast(DataTypes.DoubleType)};
        RowCheck rows = row -> {
            if (!row.isNullAt(0)) {
                String problem = check.problem(row.getDouble(0));
                if (problem != null) {
                    throw new BadInputException(label, -1, 0, problem);
                }
            }
        };
        for (Dataset<Row> input : inputs) {
            var found = BadRowSearch.find(input, read, rows, rowNames);
            if (found.isPresent()) {
                return found.get();
            }
        }
        return new BadInputException("column '" + label + "': " + check.problem(value));
    }

    /** What a classification label must be, one rule at a time, with the message for a value it refuses. */
    private record LabelCheck(Rule rule, double bound, long labelledRows) implements Serializable {
        enum Rule {
            /** a whole number >= 0 */
            CLASS_INDEX,
            /** below model.classes ({@code bound}) */
            DECLARED,
            /** below min(MAX_CLASSES, labelled rows) ({@code bound}): K = max + 1 must be a plausible class count */
            COUNT
        }

        /** Why {@code v} is refused, or null when it is a valid label by this rule. */
        String problem(double v) {
            return switch (rule) {
                case CLASS_INDEX -> v != Math.rint(v) || v < 0 ? "classification needs class indices 0, 1, ...; it holds " + v
                        + REGRESSION : null;
                case DECLARED -> v >= bound ? "class index " + plain(v) + " but " + CLASSES.key() + " = " + (long) bound
                        + " (classes 0.." + ((long) bound - 1) + ")" : null;
                case COUNT -> v >= bound ? String.format(Locale.ROOT, "the label %s as a class index means %s classes,"
                        + " more than %s; a classifier takes at most %d classes (%s) and at most one per labelled row (%d rows)%s",
                        plain(v), plain(v + 1), v + 1 > MAX_CLASSES ? "the maximum" : "the labelled rows", MAX_CLASSES,
                        CLASSES.key(), labelledRows, REGRESSION) : null;
            };
        }

        /** A label as written: whole numbers without ".0" or an exponent (1e10 is 10000000000). */
        private static String plain(double v) {
            return new BigDecimal(v).toPlainString();
        }
    }
}
