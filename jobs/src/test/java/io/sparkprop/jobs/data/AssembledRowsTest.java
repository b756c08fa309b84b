package io.sparkprop.jobs.data;

import io.sparkprop.jobs.config.DataFormat;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

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
        AssembledRows.Fit fit = AssembledRows.fit(source, text, null, typedColumns, features, List.of("y"), 0.25, seed);

        assertEquals(List.of("features", "y"), List.of(fit.train().columns()));
        List<String> train = rows(fit.train());
        List<String> validation = rows(fit.validation());
        assertEquals(expected(reference[0]), train);
        assertEquals(expected(reference[1]), validation);
        assertEquals(600, train.size() + validation.size());
        assertNull(fit.locateValidation());
        assertEquals(expected(typed), rows(fit.locateTrain().select("features", "y")));
    }

    /**
     * A retrain's replay: the training rows then Spark's {@code sample(false, fraction, seed)} of the typed replay rows,
     * split as {@code randomSplit} splits their union; both files over several file splits.
     */
    @Test
    void replayIsTheUnionWithSparksSampleOfTheTypedReplaySplitAsSparkSplitsIt() throws IOException {
        Random r = new Random(13);
        List<Path> files = new ArrayList<>();
        for (String name : List.of("new.csv", "old.csv")) {
            StringBuilder csv = new StringBuilder("y,id,a,b,c\n");
            for (int i = 0; i < 400; i++) {
                csv.append(r.nextInt(3)).append(",id").append(r.nextInt(5)).append(',').append(r.nextInt(9) - 4)
                        .append(',').append(i % 11 == 0 ? "" : String.valueOf(r.nextInt(50) / 4.0)).append(',')
                        .append(r.nextInt(2)).append('\n');
            }
            files.add(Files.writeString(tmp.resolve(name), csv));
        }
        DataSource source = new DataSource(spark);
        Dataset<Row> text = source.read(DataFormat.CSV, files.get(0).toString(), true, ",", 0);
        Dataset<Row> old = source.read(DataFormat.CSV, files.get(1).toString(), true, ",", 0);
        assertTrue(old.rdd().getNumPartitions() > 2, "several file splits: " + old.rdd().getNumPartitions());
        List<String> typedColumns = List.of("a", "b", "c", "y");
        long seed = 5;
        Dataset<Row> union = source.numericCsvColumns(text, typedColumns, true, DataFormat.CSV)
                .union(source.numericCsvColumns(old, typedColumns, true, DataFormat.CSV).sample(false, 0.4, seed));
        Dataset<Row>[] reference = union.randomSplit(new double[] {0.8, 0.2}, seed);
        AssembledRows.Fit fit = AssembledRows.fit(source, text, new AssembledRows.Replay(old, 0.4, seed), null, typedColumns,
                List.of("a", "b", "c"), List.of("y"), 0.2, seed);

        List<String> train = rows(fit.train());
        List<String> validation = rows(fit.validation());
        assertEquals(expected(reference[0]), train);
        assertEquals(expected(reference[1]), validation);
        assertTrue(train.size() + validation.size() > 500 && train.size() + validation.size() < 700, train.size() + " rows");
        assertEquals(expected(union), rows(fit.locateTrain().select("features", "y")));
        fit.release();
    }

    @Test
    void withoutASplitTheRowsStayInFileOrder() throws IOException {
        Path file = Files.writeString(tmp.resolve("u.csv"), "a,features,y\n3,x,1\n,y,0\n-1.5,z,2\n");
        DataSource source = new DataSource(spark);
        Dataset<Row> text = source.read(DataFormat.CSV, file.toString(), true, ",", 0);
        AssembledRows.Fit fit = AssembledRows.fit(source, text, text, List.of("a", "y"), List.of("a"), List.of("y"), 0.5, 1);
        // a column already named features: the assembled one takes another name
        assertEquals(List.of("_features", "y"), List.of(fit.train().columns()));
        assertEquals(List.of("[3.0] 1.0", "[null] 0.0", "[-1.5] 2.0"), rows(fit.train()));
        assertEquals(rows(fit.train()), rows(fit.validation()));
    }

    /**
     * The rows read once in plain code are the rows Spark's CSV reader gives, typed by the cast, in order: quoted
     * cells (numbers, delimiters and quotes inside), CRLF and lone CR line ends, blank and white-space lines (before
     * the header too), short and long rows, spaces around numbers, every spelling the cast reads, a BOM, text with
     * non-ASCII characters, a gzip file, a folder of files, other delimiters; over several file splits.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("csvCases")
    void rowsReadOnceAreTheRowsSparkReads(String name, Map<String, byte[]> files, boolean header, String delimiter,
                                          List<String> typedColumns) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Files.write(dir.resolve(f.getKey()), f.getValue());
        }
        String path = files.size() == 1 ? dir.resolve(files.keySet().iterator().next()).toString() : dir.toString();
        DataSource source = new DataSource(spark);
        Dataset<Row> text = source.read(DataFormat.CSV, path, header, delimiter, 0);
        Dataset<Row> typed = source.numericCsvColumns(text, typedColumns, header, DataFormat.CSV);
        List<String> features = typedColumns.subList(0, typedColumns.size() - 1);
        String label = typedColumns.get(typedColumns.size() - 1);
        AssembledRows.Fit fit = AssembledRows.fit(source, text, null, typedColumns, features, List.of(label), 0, 1);
        List<String> expected = new ArrayList<>();
        // every column read (Spark's reader of a few selected columns splits some quoted cells otherwise)
        for (Row row : typed.collectAsList()) {
            List<String> cells = new ArrayList<>();
            for (String f : features) {
                cells.add(bits(row.get(row.fieldIndex(f))));
            }
            expected.add(cells + " " + bits(row.get(row.fieldIndex(label))));
        }
        List<String> read = new ArrayList<>();
        for (Row row : fit.train().collectAsList()) {
            List<String> cells = new ArrayList<>();
            for (Object v : features(row)) {
                cells.add(bits(v));
            }
            read.add(cells + " " + bits(row.get(1)));
        }
        fit.release();
        assertTrue(expected.size() >= 3, expected.toString());
        assertEquals(expected, read);
    }

    static Stream<Arguments> csvCases() throws IOException {
        String quirks = "a,b,note,y\r\n"
                + "1,2,x,0\r\n"
                + "\"3.5\",\"-0\",\"a,b\",1\r"
                + " 4 ,\t5,\"say \"\"hi\"\"\",2\n"
                + "\n   \n"
                + "1e3,NaN,é ü,3\n"
                + "Infinity,-inf,,4\n"
                + "+5,.5,\"\",5\n"
                + "1.,,only three\n"
                + "7,8,x,6,extra,cells\n"
                + ",,,\n"
                + "0.1,1234567890123456789,\"\",7\n"
                + "\"\",2d,\\,8\n";
        StringBuilder many = new StringBuilder("a,b,note,y\n");
        for (int i = 0; i < 300; i++) {
            many.append(i % 7 == 0 ? "\n" : "").append(i * 0.25).append(',').append(-i).append(",r").append(i).append(',')
                    .append(i % 3).append(i % 11 == 0 ? "\r\n" : "\n");
        }
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(many.toString().getBytes(StandardCharsets.UTF_8));
        }
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        List<String> abY = List.of("a", "b", "y");
        return Stream.of(
                Arguments.of("quirks", Map.of("q.csv", utf8(quirks)), true, ",", abY),
                Arguments.of("blank lines before the header", Map.of("h.csv", utf8("\n  \n" + quirks)), true, ",", abY),
                Arguments.of("several splits", Map.of("m.csv", utf8(many.toString())), true, ",", abY),
                Arguments.of("gzip", Map.of("m.csv.gz", gz.toByteArray()), true, ",", abY),
                Arguments.of("folder", Map.of("part-0.csv", utf8(quirks), "part-1.csv", utf8(many.toString()),
                        "part-2.csv.gz", gz.toByteArray()), true, ",", abY),
                Arguments.of("BOM with a header", Map.of("b.csv", concat(bom, utf8("a,b,y\n1,2,3\n4,5,6\n7,8,9\n"))), true, ",", abY),
                Arguments.of("BOM without a header", Map.of("n.csv", concat(bom, utf8("1,2,3\n4,5,6\n7,8,9\n"))), false, ",",
                        List.of("_c0", "_c1", "_c2")),
                Arguments.of("no header", Map.of("n.csv", utf8(many.substring(many.indexOf("\n") + 1))), false, ",",
                        List.of("_c1", "_c0", "_c3")),
                Arguments.of("semicolons", Map.of("s.csv", utf8(quirks.replace(',', ';'))), true, ";", abY),
                Arguments.of("two-character delimiter", Map.of("t.csv", utf8(quirks.replace(",", "||"))), true, "||", abY),
                Arguments.of("tabs", Map.of("t.tsv", utf8(many.toString().replace(',', '\t'))), true, "\t", List.of("b", "a", "y")));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The assembled features of a row: an ML vector's values, or an array's. */
    private static List<Object> features(Row row) {
        return row.get(0) instanceof Vector v ? Arrays.stream(v.toArray()).boxed().map(Object.class::cast).toList() : row.getList(0);
    }

    /** A cell's double as its bits, or null. */
    private static String bits(Object v) {
        return v == null ? "null" : Long.toHexString(Double.doubleToRawLongBits((Double) v));
    }

    /** Each row as "[f1, f2, ...] y". */
    private static List<String> rows(Dataset<Row> assembled) {
        List<String> out = new ArrayList<>();
        for (Row row : assembled.collectAsList()) {
            out.add(features(row) + " " + row.get(1));
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
