package io.sparkprop.jobs.data;

import io.sparkprop.driver.data.Columns;
import io.sparkprop.driver.data.FeatureColumns;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.util.random.BernoulliCellSampler;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * Text rows (CSV) as a fit reads them, typed in plain code over Spark's internal rows: the feature columns
 * as ONE {@code array<double>} column, the label and weight columns as doubles. Spark then plans, splits,
 * counts and blocks three columns however many features there are: a plan of an expression per column (a
 * cast, a sort key, a field to select) took minutes to build and compile at thousands of columns.
 * <p>
 * A validation split is the one {@code Dataset.randomSplit(weights, seed)} makes of the rows typed column
 * by column: each partition sorted by every column in schema order (ascending, nulls first; a typed column
 * by its number, -0.0 = 0.0 and NaN last, a text column by its UTF-8 bytes), then row r of the sorted
 * partition p kept on side [lower, upper) when the r-th draw of a {@link BernoulliCellSampler} seeded
 * {@code seed + p} falls there. A fit thus trains on the same rows in the same order, and gives the same bits.
 */
public final class AssembledRows implements Function2<Integer, Iterator<InternalRow>, Iterator<InternalRow>> {
    private static final long serialVersionUID = 1L;
    /** The rows' columns: the typed ones (features, then the scalars) by index into a row's numbers, the others by ~index into its texts. */
    private final int[] slots;
    private final int features;
    private final int[] typedPositions;
    private final int[] textPositions;
    /** A validation split's side [lower, upper) of the cumulative weights and its seed; all rows when {@code split} is false. */
    private final boolean split;
    private final double lower;
    private final double upper;
    private final long seed;

    private AssembledRows(int columns, int[] featurePositions, int[] scalarPositions, boolean split, double lower, double upper,
                          long seed) {
        this.features = featurePositions.length;
        this.typedPositions = new int[featurePositions.length + scalarPositions.length];
        System.arraycopy(featurePositions, 0, typedPositions, 0, featurePositions.length);
        System.arraycopy(scalarPositions, 0, typedPositions, featurePositions.length, scalarPositions.length);
        this.slots = new int[columns];
        Arrays.fill(slots, Integer.MIN_VALUE);
        for (int i = 0; i < typedPositions.length; i++) {
            slots[typedPositions[i]] = i;
        }
        List<Integer> texts = new ArrayList<>();
        for (int j = 0; j < columns; j++) {
            if (slots[j] == Integer.MIN_VALUE) {
                slots[j] = ~texts.size();
                texts.add(j);
            }
        }
        this.textPositions = texts.stream().mapToInt(Integer::intValue).toArray();
        this.split = split;
        this.lower = lower;
        this.upper = upper;
        this.seed = seed;
    }

    /**
     * The rows of {@code text} (a file scan of text columns, checked: every cell of these columns is a number
     * or empty) as columns {@code featureColumn} (the {@code features} in order) and the {@code scalars}
     * (labels, weight); all of them ({@code weights} null) or side {@code side} of randomSplit(weights, seed).
     */
    private static Dataset<Row> of(Dataset<Row> text, String featureColumn, List<String> features, List<String> scalars,
                           double[] weights, int side, long seed) {
        StructType schema = new StructType().add(featureColumn, DataTypes.createArrayType(DataTypes.DoubleType, true), true);
        for (String s : scalars) {
            schema = schema.add(s, DataTypes.DoubleType, true);
        }
        double lower = 0;
        double upper = 1;
        if (weights != null) {
            // randomSplit's bounds: the normalised weights' cumulative sums
            double sum = Arrays.stream(weights).sum();
            double[] cumulative = new double[weights.length + 1];
            for (int i = 0; i < weights.length; i++) {
                cumulative[i + 1] = cumulative[i] + weights[i] / sum;
            }
            lower = cumulative[side];
            upper = cumulative[side + 1];
        }
        AssembledRows rows = new AssembledRows(text.columns().length, positions(text, features), positions(text, scalars),
                weights != null, lower, upper, seed);
        return ((SparkSession) text.sparkSession()).internalCreateDataFrame(TextNumbers.rows(text).toJavaRDD()
                .mapPartitionsWithIndex(rows, true).rdd(), schema, false);
    }

    /**
     * What a fit reads of text data: {@code train} (and {@code validation}, null for none) read by their
     * features and scalars (labels, weight) as {@link #of} assembles them, a validation split off as
     * randomSplit({1 - fraction, fraction}, seed) would when none is given and {@code fraction > 0}; bad
     * rows are located in {@code trainTyped} and {@code validationTyped}, the typed projections of the files
     * (DataSource#numericCsvColumns), given the same feature column as an array expression.
     */
    public static Fit fit(Dataset<Row> train, Dataset<Row> validation, Dataset<Row> trainTyped, Dataset<Row> validationTyped,
                          List<String> features, List<String> scalars, double fraction, long seed) {
        String column = "features";
        while (Arrays.asList(train.columns()).contains(column)) {
            column = "_" + column;
        }
        FeatureColumns assembled = FeatureColumns.assembled(column, features);
        Dataset<Row> locateTrain = located(trainTyped, column, features);
        if (validation != null) {
            return new Fit(assembled, of(train, column, features, scalars, null, 0, 0), of(validation, column, features, scalars,
                    null, 0, 0), locateTrain, located(validationTyped, column, features));
        }
        if (!(fraction > 0)) {
            return new Fit(assembled, of(train, column, features, scalars, null, 0, 0), null, locateTrain, null);
        }
        double[] weights = {1 - fraction, fraction};
        return new Fit(assembled, of(train, column, features, scalars, weights, 0, seed),
                of(train, column, features, scalars, weights, 1, seed), locateTrain, null);
    }

    /** The typed projection with the feature column {@link #of} assembles, as an expression: where a bad row is looked for. */
    private static Dataset<Row> located(Dataset<Row> typed, String column, List<String> features) {
        return typed.withColumn(column, functions.array(features.stream().map(Columns::col).toArray(Column[]::new)));
    }

    /**
     * The rows and columns a fit reads ({@code ModelFit.features(features).locateBadRowsIn(locateTrain,
     * locateValidation).run(train, validation)}).
     */
    public record Fit(FeatureColumns features, Dataset<Row> train, Dataset<Row> validation, Dataset<Row> locateTrain,
                      Dataset<Row> locateValidation) {
    }

    private static int[] positions(Dataset<Row> data, List<String> columns) {
        return columns.stream().mapToInt(c -> data.schema().fieldIndex(c)).toArray();
    }

    @Override
    public Iterator<InternalRow> call(Integer partition, Iterator<InternalRow> rows) {
        TextNumbers.Parser parser = new TextNumbers.Parser();
        if (!split) {
            return TextNumbers.map(rows, row -> parse(row, parser, false).output(features));
        }
        List<Parsed> all = new ArrayList<>();
        rows.forEachRemaining(row -> all.add(parse(row, parser, true)));
        all.sort(this::compare); // stable, as Spark's in-memory sort: equal rows keep their order
        BernoulliCellSampler<Object> sampler = new BernoulliCellSampler<>(lower, upper, false);
        sampler.setSeed(seed + partition);
        List<InternalRow> kept = new ArrayList<>();
        for (Parsed p : all) {
            if (sampler.sample() > 0) {
                kept.add(p.output(features));
            }
        }
        return kept.isEmpty() ? Collections.emptyIterator() : kept.iterator();
    }

    private Parsed parse(InternalRow row, TextNumbers.Parser parser, boolean keepTexts) {
        double[] numbers = new double[typedPositions.length];
        boolean[] nulls = null;
        for (int i = 0; i < typedPositions.length; i++) {
            Object v = parser.parse(row, typedPositions[i]);
            if (v == null) {
                nulls = nulls == null ? new boolean[numbers.length] : nulls;
                nulls[i] = true;
            } else {
                numbers[i] = (Double) v;
            }
        }
        UTF8String[] texts = null;
        if (keepTexts) {
            texts = new UTF8String[textPositions.length];
            for (int i = 0; i < texts.length; i++) {
                texts[i] = row.isNullAt(textPositions[i]) ? null : row.getUTF8String(textPositions[i]).clone();
            }
        }
        return new Parsed(numbers, nulls, texts);
    }

    /** Spark's ascending order of the typed rows: column by column in schema order, nulls first. */
    private int compare(Parsed a, Parsed b) {
        for (int slot : slots) {
            int c = slot >= 0 ? a.compareNumber(b, slot) : compareText(a.texts[~slot], b.texts[~slot]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int compareText(UTF8String a, UTF8String b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        return a.binaryCompare(b);
    }

    /** One row's typed cells (null where {@code nulls} says) and, to sort a split by, its other cells. */
    private record Parsed(double[] numbers, boolean[] nulls, UTF8String[] texts) {
        boolean isNull(int i) {
            return nulls != null && nulls[i];
        }

        int compareNumber(Parsed other, int i) {
            if (isNull(i) || other.isNull(i)) {
                return isNull(i) ? (other.isNull(i) ? 0 : -1) : 1;
            }
            double x = numbers[i];
            double y = other.numbers[i];
            return x == y ? 0 : Double.compare(x, y); // Spark's double order: -0.0 = 0.0, NaN = NaN and last
        }

        /** (features as one array, then the scalars): an unsafe array of doubles unless a feature is null. */
        InternalRow output(int features) {
            Object[] out = new Object[1 + numbers.length - features];
            boolean featureNull = false;
            for (int i = 0; i < features && !featureNull; i++) {
                featureNull = isNull(i);
            }
            if (featureNull) {
                Object[] values = new Object[features];
                for (int i = 0; i < features; i++) {
                    values[i] = isNull(i) ? null : numbers[i];
                }
                out[0] = new GenericArrayData(values);
            } else {
                out[0] = UnsafeArrayData.fromPrimitiveArray(Arrays.copyOf(numbers, features));
            }
            for (int i = features; i < numbers.length; i++) {
                out[1 + i - features] = isNull(i) ? null : numbers[i];
            }
            return new GenericInternalRow(out);
        }
    }
}
