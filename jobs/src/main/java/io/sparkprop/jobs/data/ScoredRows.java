package io.sparkprop.jobs.data;

import io.sparkprop.driver.data.BadInputException;
import io.sparkprop.driver.data.RowFeatures;
import io.sparkprop.driver.model.ModelScorer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * CSV rows scored as they are read: each line split and its feature cells read as numbers once ({@link CsvParse}),
 * scored a batch at a time ({@link ModelScorer.BatchScores}), and handed to Spark as its internal rows of the
 * input's columns (the features as doubles, the other cells as the text they hold) and the model's outputs. No
 * Row encoder of every column and no expression per column: a plan of a few nodes however wide the file, where
 * scoring Spark's CSV rows compiled a deserializer and a serializer of N + 1 fields and parsed the file twice.
 * <p>
 * The rows, columns and numbers are those of {@link DataSource#numericCsvRows} scored by
 * {@link ModelScorer#transform}, bit for bit. A bad cell fails the task with a {@link BadInputException} that names
 * no line; the caller traces it to its file and line in the typed projection ({@link ModelInput#locate()}).
 */
final class ScoredRows implements Function2<Integer, Iterator<ParsedRow>, Iterator<InternalRow>> {
    private static final long serialVersionUID = 1L;
    private final ModelScorer.Scoring scoring;
    private final RowFeatures features;
    /** The CSV columns in schema order: a feature by its index among a row's numbers, the others by ~index into its texts. */
    private final int[] slots;
    private final List<String> featureNames;

    private ScoredRows(ModelScorer.Scoring scoring, RowFeatures features, int[] slots, List<String> featureNames) {
        this.scoring = scoring;
        this.features = features;
        this.slots = slots;
        this.featureNames = featureNames;
    }

    /** {@code csv} (read by {@code source}) with its text columns {@code features} typed, scored by {@code scoring}. */
    static Dataset<Row> of(DataSource source, Dataset<Row> csv, List<String> features, ModelScorer.Scoring scoring) {
        DataSource.CsvRead how = source.csvRead(csv);
        String[] columns = csv.columns();
        Map<String, Integer> position = AssembledRows.indexes(List.of(columns));
        int[] typed = features.stream().mapToInt(position::get).toArray();
        int[] slots = AssembledRows.slots(csv, features);
        int[] texts = IntStream.range(0, columns.length).filter(j -> slots[j] < 0).toArray();
        CsvParse parse = new CsvParse(new CsvCells(how.delimiter()), how.header(), columns.length, typed,
                IntStream.range(0, typed.length).toArray(), texts);
        StructField[] fields = csv.schema().fields().clone();
        for (int j = 0; j < fields.length; j++) {
            if (slots[j] >= 0) {
                fields[j] = new StructField(fields[j].name(), DataTypes.DoubleType, true, Metadata.empty());
            }
        }
        StructType input = new StructType(fields);
        RowFeatures read = RowFeatures.of(input, features.toArray(new String[0]), true, scoring.width());
        JavaRDD<InternalRow> rows = TextNumbers.rows(source.csvLines(csv)).toJavaRDD().mapPartitions(parse, true)
                .mapPartitionsWithIndex(new ScoredRows(scoring, read, slots, List.copyOf(features)), true);
        return ((SparkSession) csv.sparkSession()).internalCreateDataFrame(rows.rdd(), scoring.append(input), false);
    }

    @Override
    public Iterator<InternalRow> call(Integer partition, Iterator<ParsedRow> rows) {
        ModelScorer.BatchScores batch = scoring.batch();
        int width = batch.width();
        int appended = scoring.appended();
        return batch.scored(rows, (row, x, at, r) -> {
            if (row.bad() != ParsedRow.GOOD) {
                throw new BadInputException(featureNames.get(row.bad()), partition, r, "a cell that is not a number");
            }
            for (int i = 0; i < width; i++) {
                x[at + i] = features.feature(i, row.numbers()[i], row.isNull(i), partition, r);
            }
        }, (row, b) -> output(row, batch, b, appended));
    }

    /** The row's cells in schema order, then its scores (row b of the batch). */
    private InternalRow output(ParsedRow row, ModelScorer.BatchScores batch, int b, int appended) {
        Object[] values = new Object[slots.length + appended];
        for (int j = 0; j < slots.length; j++) {
            int slot = slots[j];
            values[j] = slot < 0 ? row.texts()[~slot] : row.isNull(slot) ? null : (Object) row.numbers()[slot];
        }
        batch.outputs(b, values, slots.length, true);
        return new GenericInternalRow(values);
    }
}
