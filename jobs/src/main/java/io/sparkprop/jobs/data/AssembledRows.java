package io.sparkprop.jobs.data;

import io.sparkprop.driver.data.BadInputException;
import io.sparkprop.driver.data.Columns;
import io.sparkprop.driver.data.FeatureColumns;
import io.sparkprop.jobs.config.DataFormat;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.random.BernoulliCellSampler;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * CSV rows as a fit reads them: the feature columns as ONE {@code array<double>} column, the label and weight
 * columns as doubles. Each input's lines are read, split, checked and typed once, in plain code
 * ({@link CsvParse}), and kept in memory until the blocks are built ({@link Fit#release}); Spark then plans,
 * splits, counts and blocks three columns however many features there are: a plan of an expression per
 * column (a cast, a sort key, a field to select) took minutes to build and compile at thousands of columns,
 * and each pass of Spark's CSV reader over a wide file made a row of N strings of every line.
 * <p>
 * A validation split is the one {@code Dataset.randomSplit(weights, seed)} makes of the rows typed column
 * by column: each partition sorted by every column in schema order (ascending, nulls first; a typed column
 * by its number, -0.0 = 0.0 and NaN last, a text column by its UTF-8 bytes), then row r of the sorted
 * partition p kept on side [lower, upper) when the r-th draw of a {@link BernoulliCellSampler} seeded
 * {@code seed + p} falls there. A fit thus trains on the same rows in the same order, and gives the same bits.
 */
public final class AssembledRows implements Function2<Integer, Iterator<ParsedRow>, Iterator<InternalRow>> {
    private static final long serialVersionUID = 1L;
    /** The CSV columns in schema order: the typed ones by their index among a row's numbers, the others by ~index into its texts. */
    private final int[] slots;
    private final int features;
    private final boolean vector;
    /** A validation split's side [lower, upper) of the cumulative weights and its seed; all rows when {@code split} is false. */
    private final boolean split;
    private final double lower;
    private final double upper;
    private final long seed;

    private AssembledRows(int[] slots, int features, boolean vector, boolean split, double lower, double upper, long seed) {
        this.slots = slots;
        this.features = features;
        this.vector = vector;
        this.split = split;
        this.lower = lower;
        this.upper = upper;
        this.seed = seed;
    }

    /**
     * What a fit reads of CSV data {@code train} and {@code validation} (null for none), read by {@code source}:
     * their {@code features} and {@code scalars} (labels, weight) as one array column and doubles, a validation
     * split off as randomSplit({1 - fraction, fraction}, seed) would when none is given and {@code fraction > 0}.
     * Every cell of the {@code checked} columns (the features and scalars, in the order a cell that is not a
     * number is reported in) must be a number or empty; the first column in that order that holds another is
     * an error naming its file, line and column, as {@link DataSource#numericCsvColumns} names it. Bad values
     * found later (a NaN, a label out of range) are located in the typed projections of the files.
     */
    public static Fit fit(DataSource source, Dataset<Row> train, Dataset<Row> validation, List<String> checked,
                          List<String> features, List<String> scalars, double fraction, long seed) throws IOException {
        return fit(source, train, null, validation, checked, features, scalars, fraction, seed);
    }

    /**
     * As {@link #fit(DataSource, Dataset, Dataset, List, List, List, double, long)}, the training rows followed by a
     * sample of {@code replay}'s (null for none; its cells checked as the training data's), as
     * {@code train.union(replay.sample(false, fraction, seed))} has them: row k of replay partition q kept when the
     * k-th draw of a {@link BernoulliCellSampler} of [0, fraction) seeded {@code seed + q} falls there.
     */
    public static Fit fit(DataSource source, Dataset<Row> train, Replay replay, Dataset<Row> validation, List<String> checked,
                          List<String> features, List<String> scalars, double fraction, long seed) throws IOException {
        String column = "features";
        while (Arrays.asList(train.columns()).contains(column)) {
            column = "_" + column;
        }
        List<String> typed = new ArrayList<>(features);
        typed.addAll(scalars);
        boolean split = validation == null && fraction > 0;
        List<JavaRDD<ParsedRow>> read = new ArrayList<>();
        Read trainRead = read(source, train, checked, typed, features.size(), split);
        read.add(trainRead.rows());
        Read replayRead = null;
        Read validationRead = null;
        try {
            if (replay != null) {
                replayRead = read(source, replay.csv(), checked, typed, features.size(), split);
                read.add(replayRead.rows());
            }
            if (validation != null) {
                validationRead = read(source, validation, checked, typed, features.size(), false);
                read.add(validationRead.rows());
            }
        } finally {
            if ((replay != null && replayRead == null) || (validation != null && validationRead == null)) {
                read.forEach(rows -> rows.unpersist(false));
            }
        }
        JavaRDD<ParsedRow> trainRows = replayRead == null ? trainRead.rows()
                : trainRead.rows().union(replayRead.rows().mapPartitionsWithIndex(replay.sampler(), true));
        JavaRDD<ParsedRow> validationRows = validationRead == null ? null : validationRead.rows();
        // an ML vector, which Spark hands to the blocks as it holds it, unless a feature is null: an array of boxed
        // numbers (where a null feature is found and reported)
        boolean vector = !trainRead.featureNull() && (replayRead == null || !replayRead.featureNull())
                && (validationRead == null || !validationRead.featureNull());
        StructType schema = new StructType().add(column, vector ? SQLDataTypes.VectorType()
                : DataTypes.createArrayType(DataTypes.DoubleType, true), true);
        for (String s : scalars) {
            schema = schema.add(s, DataTypes.DoubleType, true);
        }
        int[] slots = slots(train, typed);
        SparkSession spark = (SparkSession) train.sparkSession();
        int width = features.size();
        Dataset<Row> trained;
        Dataset<Row> validated;
        if (split) {
            double[] bounds = cumulative(new double[] {1 - fraction, fraction});
            trained = of(spark, trainRows, schema, new AssembledRows(slots, width, vector, true, bounds[0], bounds[1], seed));
            validated = of(spark, trainRows, schema, new AssembledRows(slots, width, vector, true, bounds[1], bounds[2], seed));
        } else {
            AssembledRows all = new AssembledRows(slots, width, vector, false, 0, 1, 0);
            trained = of(spark, trainRows, schema, all);
            validated = validationRows == null ? null : of(spark, validationRows, schema, all);
        }
        FeatureColumns assembled = FeatureColumns.assembled(column, features);
        Dataset<Row> locateTrain = located(train, checked, column, features, vector);
        if (replay != null) {
            locateTrain = locateTrain.union(located(replay.csv(), checked, column, features, vector)
                    .sample(false, replay.fraction(), replay.seed()));
        }
        return new Fit(assembled, trained, validated, locateTrain,
                validation == null ? null : located(validation, checked, column, features, vector), read);
    }

    /**
     * The rows of {@code csv}, read once and kept in memory (a part that does not fit is read again when
     * needed, the same rows), after a check that every checked cell is a number or empty.
     */
    private static Read read(DataSource source, Dataset<Row> csv, List<String> checked, List<String> typed, int features,
                             boolean keepTexts) throws IOException {
        DataSource.CsvRead how = source.csvRead(csv);
        String[] columns = csv.columns();
        Map<String, Integer> position = indexes(Arrays.asList(columns));
        int[] positions = typed.stream().mapToInt(position::get).toArray();
        Map<String, Integer> checkIndex = indexes(checked);
        int[] checkOrder = typed.stream().mapToInt(checkIndex::get).toArray();
        int[] texts = null;
        if (keepTexts) {
            Map<String, Integer> typedIndex = indexes(typed);
            texts = IntStream.range(0, columns.length).filter(j -> !typedIndex.containsKey(columns[j])).toArray();
        }
        CsvParse parse = new CsvParse(new CsvCells(how.delimiter()), how.header(), columns.length, positions, checkOrder, texts);
        JavaRDD<ParsedRow> rows = TextNumbers.rows(source.csvLines(csv)).toJavaRDD().mapPartitions(parse, true)
                .persist(StorageLevel.MEMORY_ONLY());
        int bad = ParsedRow.GOOD;
        boolean featureNull = false;
        for (long[] partition : rows.mapPartitions(new Check(features)).collect()) {
            bad = (int) Math.min(bad, partition[0]);
            featureNull |= partition[1] != 0;
        }
        if (bad != ParsedRow.GOOD) {
            rows.unpersist(false);
            // the file, line and column of the first such cell, found as the typed projection has it
            source.numericCsvColumns(csv, checked.subList(bad, bad + 1), how.header(), DataFormat.CSV);
            throw new BadInputException("column '" + checked.get(bad) + "' holds a cell that is not a number");
        }
        return new Read(rows, featureNull);
    }

    /** Old rows trained on again: a {@code fraction} of the CSV data {@code csv} (its columns the training data's), drawn by {@code seed}. */
    public record Replay(Dataset<Row> csv, double fraction, long seed) {
        Function2<Integer, Iterator<ParsedRow>, Iterator<ParsedRow>> sampler() {
            double upper = fraction;
            long from = seed;
            return (partition, rows) -> {
                BernoulliCellSampler<Object> sampler = new BernoulliCellSampler<>(0, upper, false);
                sampler.setSeed(from + partition);
                List<ParsedRow> kept = new ArrayList<>();
                rows.forEachRemaining(row -> {
                    if (sampler.sample() > 0) {
                        kept.add(row);
                    }
                });
                return kept.iterator();
            };
        }
    }

    /** An input's rows, and whether a feature of one of them is null. */
    private record Read(JavaRDD<ParsedRow> rows, boolean featureNull) {
    }

    /** randomSplit's bounds of its sides: the normalised weights' cumulative sums. */
    private static double[] cumulative(double[] weights) {
        double sum = Arrays.stream(weights).sum();
        double[] cumulative = new double[weights.length + 1];
        for (int i = 0; i < weights.length; i++) {
            cumulative[i + 1] = cumulative[i] + weights[i] / sum;
        }
        return cumulative;
    }

    /** CSV column j: its index among the typed cells, or ~k for the k-th of the others. */
    static int[] slots(Dataset<Row> csv, List<String> typed) {
        String[] names = csv.columns();
        Map<String, Integer> typedIndex = indexes(typed);
        int[] slots = new int[names.length];
        int texts = 0;
        for (int j = 0; j < names.length; j++) {
            Integer i = typedIndex.get(names[j]);
            slots[j] = i != null ? i : ~texts++;
        }
        return slots;
    }

    /** Each name's first index in {@code names}: a lookup in constant time, however many columns. */
    static Map<String, Integer> indexes(List<String> names) {
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.putIfAbsent(names.get(i), i);
        }
        return out;
    }

    private static Dataset<Row> of(SparkSession spark, JavaRDD<ParsedRow> rows, StructType schema, AssembledRows side) {
        return spark.internalCreateDataFrame(rows.mapPartitionsWithIndex(side, true).rdd(), schema, false);
    }

    /** The typed projection of the files with the feature column the rows have, as an expression: where a bad row is looked for. */
    private static Dataset<Row> located(Dataset<Row> csv, List<String> checked, String column, List<String> features,
                                        boolean vector) {
        Column array = functions.array(features.stream().map(Columns::col).toArray(Column[]::new));
        return TextNumbers.of(csv, checked).typed(csv).withColumn(column, vector ? org.apache.spark.ml.functions.array_to_vector(array) : array);
    }

    /**
     * The rows and columns a fit reads ({@code ModelFit.features(features).locateBadRowsIn(locateTrain,
     * locateValidation).run(train, validation)}), and the rows they are made from, held in memory until
     * {@link #release}.
     */
    public static final class Fit {
        private final FeatureColumns features;
        private final Dataset<Row> train;
        private final Dataset<Row> validation;
        private final Dataset<Row> locateTrain;
        private final Dataset<Row> locateValidation;
        private final List<JavaRDD<ParsedRow>> read;

        private Fit(FeatureColumns features, Dataset<Row> train, Dataset<Row> validation, Dataset<Row> locateTrain,
                    Dataset<Row> locateValidation, List<JavaRDD<ParsedRow>> read) {
            this.features = features;
            this.train = train;
            this.validation = validation;
            this.locateTrain = locateTrain;
            this.locateValidation = locateValidation;
            this.read = read;
        }

        public FeatureColumns features() {
            return features;
        }

        public Dataset<Row> train() {
            return train;
        }

        /** The validation rows, given or split off; null for none. */
        public Dataset<Row> validation() {
            return validation;
        }

        public Dataset<Row> locateTrain() {
            return locateTrain;
        }

        /** Where bad validation rows are located; null when the validation rows are split off the training data. */
        public Dataset<Row> locateValidation() {
            return locateValidation;
        }

        /** Frees the rows read (once the blocks are built: reading them again then reads the files again). */
        public void release() {
            read.forEach(rows -> rows.unpersist(false));
        }
    }

    @Override
    public Iterator<InternalRow> call(Integer partition, Iterator<ParsedRow> rows) {
        if (!split) {
            return TextNumbers.map(rows, row -> row.output(features, vector));
        }
        List<ParsedRow> all = new ArrayList<>();
        rows.forEachRemaining(all::add);
        all.sort(this::compare); // stable, as Spark's in-memory sort: equal rows keep their order
        BernoulliCellSampler<Object> sampler = new BernoulliCellSampler<>(lower, upper, false);
        sampler.setSeed(seed + partition);
        List<InternalRow> kept = new ArrayList<>();
        for (ParsedRow p : all) {
            if (sampler.sample() > 0) {
                kept.add(p.output(features, vector));
            }
        }
        return kept.isEmpty() ? Collections.emptyIterator() : kept.iterator();
    }

    /** Spark's ascending order of the typed rows: column by column in schema order, nulls first. */
    private int compare(ParsedRow a, ParsedRow b) {
        for (int slot : slots) {
            int c = slot >= 0 ? a.compareNumber(b, slot) : a.compareText(b, ~slot);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** A partition's first bad column, and 1 when a feature of one of its rows is null (else 0). */
    private static final class Check implements FlatMapFunction<Iterator<ParsedRow>, long[]> {
        private static final long serialVersionUID = 1L;
        private final int features;

        Check(int features) {
            this.features = features;
        }

        @Override
        public Iterator<long[]> call(Iterator<ParsedRow> rows) {
            long[] out = {ParsedRow.GOOD, 0};
            while (rows.hasNext()) {
                ParsedRow row = rows.next();
                out[0] = Math.min(out[0], row.bad());
                out[1] |= row.featureNull(features) ? 1 : 0;
            }
            return List.<long[]>of(out).iterator();
        }
    }
}
