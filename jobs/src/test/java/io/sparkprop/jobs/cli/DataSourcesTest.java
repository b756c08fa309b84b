package io.sparkprop.jobs.cli;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spark sources other than IDX and CSV through the real command line: LIBSVM (sparse) and Parquet (array column). */
class DataSourcesTest {
    @TempDir
    Path tmp;

    /** Three classes, each lighting up its own band of 30 sparse features out of 90. */
    @Test
    void libsvmSparseDataTrainsAndPredicts() throws IOException {
        SplittableRandom rng = new SplittableRandom(5);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 600; i++) {
            int label = i % 3;
            sb.append(label);
            List<Integer> cols = new ArrayList<>();
            for (int j = 0; j < 90; j++) {
                boolean inBand = j / 30 == label;
                if (rng.nextDouble() < (inBand ? 0.3 : 0.03)) {
                    cols.add(j);
                }
            }
            for (int j : cols) {
                sb.append(' ').append(j + 1).append(':').append(String.format(Locale.ROOT, "%.3f", 0.5 + rng.nextDouble()));
            }
            sb.append('\n');
        }
        Path data = tmp.resolve("train.libsvm");
        Files.writeString(data, sb.toString());
        Path model = tmp.resolve("m");
        CommandLineRun train = CommandLineRun.run("train", "--format", "libsvm", "--data", data.toString(), "--hidden", "16",
                "--epochs", "8", "--batch-size", "64", "--lr", "0.02", "-o", model.toString());
        assertEquals(0, train.exitCode, train.toString());
        double accuracy = Double.parseDouble(train.out.replaceAll("(?s).*validation accuracy ([0-9.]+).*", "$1"));
        assertTrue(accuracy > 0.9, "validation accuracy on separable sparse data: " + accuracy);

        Path predictions = tmp.resolve("p");
        CommandLineRun predict = CommandLineRun.run("predict", model.toString(), "--format", "libsvm", "--data", data.toString(),
                "-o", predictions.toString(), "--output-format", "csv");
        assertEquals(0, predict.exitCode, predict.toString());
        try (SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate()) {
            var p = spark.read().option("header", true).option("inferSchema", true).csv(predictions.toString());
            assertEquals(600, p.count());
            assertTrue(List.of(p.columns()).containsAll(List.of("label", "prediction", "probability_0", "probability_2")));
            assertTrue(p.filter("label = prediction").count() > 540);
        }
    }

    @Test
    void parquetWithAnArrayFeatureColumn() throws IOException {
        Path data = tmp.resolve("table.parquet");
        try (SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate()) {
            SplittableRandom rng = new SplittableRandom(9);
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                double a = rng.nextDouble();
                double b = rng.nextDouble();
                rows.add(RowFactory.create(List.of(a, b), a > b ? 1.0 : 0.0));
            }
            StructType schema = new StructType().add("xs", DataTypes.createArrayType(DataTypes.DoubleType), false)
                    .add("y", DataTypes.DoubleType, false);
            spark.createDataFrame(rows, schema).write().parquet(data.toString());
        }
        CommandLineRun train = CommandLineRun.run("train", "--format", "parquet", "--data", data.toString(), "--features", "xs",
                "--label", "y", "--hidden", "8", "--epochs", "20", "--batch-size", "64", "--lr", "0.03", "-o", tmp.resolve("m").toString(),
                // Spark's Parquet reader serialises its own ArrayType with Kryo, unregistered
                "--conf", "spark.kryo.registrationRequired=false");
        assertEquals(0, train.exitCode, train.toString());
        assertTrue(train.out.contains("network: 2-8(relu)-2(softmax)"), train.out);
        double accuracy = Double.parseDouble(train.out.replaceAll("(?s).*validation accuracy ([0-9.]+).*", "$1"));
        assertTrue(accuracy > 0.9, "validation accuracy on a linear boundary: " + accuracy);
    }
}
