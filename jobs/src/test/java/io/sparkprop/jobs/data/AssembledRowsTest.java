package io.sparkprop.jobs.data;

import io.sparkprop.jobs.config.DataFormat;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The features assembled in plain code are the typed columns' rows, and the validation split is Spark's own
 * {@code randomSplit} of the typed columns, row for row and in order: the reference is Spark's split of
 * the projection of one cast per column, on a CSV whose rows tie, hold empty cells, NaN, -0.0 and text
 * columns before the features, over several file splits.
 */
class AssembledRowsTest {
    private static SparkSession spark;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.files.maxPartitionBytes", "2000").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void splitIsRandomSplitOfTheTypedColumns() throws IOException {
        Random r = new Random(7);
        StringBuilder csv = new StringBuilder("y,id,a,b,c\n");
        String[] cells = {"0", "-0.0", "1", "2.5", "", "NaN", "-3", "1e3"};
        for (int i = 0; i < 600; i++) {
            csv.append(r.nextInt(3)).append(",id").append(r.nextInt(4));
            for (int j = 0; j < 3; j++) {
                csv.append(',').append(cells[r.nextInt(i % 7 == 0 ? 2 : cells.length)]);
            }
            csv.append('\n');
        }
        Path file = Files.writeString(tmp.resolve("t.csv"), csv);
        DataSource source = new DataSource(spark);
        Dataset<Row> text = source.read(DataFormat.CSV, file.toString(), true, ",", 0);
        assertTrue(text.rdd().getNumPartitions() > 2, "several file splits: " + text.rdd().getNumPartitions());
        List<String> features = List.of("a", "b", "c");
        List<String> typedColumns = List.of("a", "b", "c", "y");
        Dataset<Row> typed = source.numericCsvColumns(text, typedColumns, true, DataFormat.CSV);
        long seed = 11;
        Dataset<Row>[] reference = typed.randomSplit(new double[] {0.75, 0.25}, seed);
        AssembledRows.Fit fit = AssembledRows.fit(text, null, typed, null, features, List.of("y"), 0.25, seed);

        assertEquals(List.of("features", "y"), List.of(fit.train().columns()));
        List<String> train = rows(fit.train());
        List<String> validation = rows(fit.validation());
        assertEquals(expected(reference[0]), train);
        assertEquals(expected(reference[1]), validation);
        assertEquals(600, train.size() + validation.size());
        assertNull(fit.locateValidation());
        assertEquals(expected(typed), rows(fit.locateTrain().select("features", "y")));
    }

    @Test
    void withoutASplitTheRowsStayInFileOrder() throws IOException {
        Path file = Files.writeString(tmp.resolve("u.csv"), "a,features,y\n3,x,1\n,y,0\n-1.5,z,2\n");
        DataSource source = new DataSource(spark);
        Dataset<Row> text = source.read(DataFormat.CSV, file.toString(), true, ",", 0);
        Dataset<Row> typed = source.numericCsvColumns(text, List.of("a", "y"), true, DataFormat.CSV);
        AssembledRows.Fit fit = AssembledRows.fit(text, text, typed, typed, List.of("a"), List.of("y"), 0.5, 1);
        // a column already named features: the assembled one takes another name
        assertEquals(List.of("_features", "y"), List.of(fit.train().columns()));
        assertEquals(List.of("[3.0] 1.0", "[null] 0.0", "[-1.5] 2.0"), rows(fit.train()));
        assertEquals(rows(fit.train()), rows(fit.validation()));
    }

    /** Each row as "[f1, f2, ...] y". */
    private static List<String> rows(Dataset<Row> assembled) {
        List<String> out = new ArrayList<>();
        for (Row row : assembled.collectAsList()) {
            out.add(row.getList(0) + " " + row.get(1));
        }
        return out;
    }

    private static List<String> expected(Dataset<Row> typed) {
        List<String> out = new ArrayList<>();
        for (Row row : typed.select("a", "b", "c", "y").collectAsList()) {
            out.add(List.of(String.valueOf(row.get(0)), String.valueOf(row.get(1)), String.valueOf(row.get(2)))
                    .toString() + " " + row.get(3));
        }
        return out;
    }
}
