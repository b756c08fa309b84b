package io.sparkprop.jobs.cli;

import io.sparkprop.driver.TestData;
import io.sparkprop.driver.TestSpark;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad values found inside Spark tasks, through the real command line with the shipped logging
 * configuration: exit code 1, and stderr (the command's line and every log line, as a terminal shows
 * them) is exactly one line naming the file and line (or Parquet row) of the value in the input, its
 * column and the value; no stack trace, nothing written. (An unreadable input file, also found inside a task, is in InputPathErrorsTest.) On local[2] for every case, and on local-cluster (executors in other JVMs, whose failures
 * reach the driver serialised) for two.
 */
class ExecutorErrorsTest {
    private static final String LOCAL_CLUSTER = "local-cluster[2,1,1024]";

    @TempDir
    static Path fixtures;
    /** A 4-feature libsvm classifier, and clean and broken vector data as Parquet. */
    static Path libsvmModel;
    static Path vectorModel;
    static Path vectors;
    static Path vectorsWithNull;

    @TempDir
    Path tmp;

    @BeforeAll
    static void fixtures() throws IOException {
        StringBuilder libsvm = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            libsvm.append(i % 2).append(' ').append(1 + i % 3).append(":1.0 4:").append(i % 3).append(".5\n");
        }
        Path train = Files.writeString(fixtures.resolve("train.libsvm"), libsvm);
        libsvmModel = fixtures.resolve("libsvm-model");
        CommandLineRun run = CommandLineRun.run("train", "--format", "libsvm", "--data", train.toString(), "--hidden", "3",
                "--epochs", "1", "-o", libsvmModel.toString());
        assertEquals(0, run.exitCode, run.toString());

        List<Row> clean = new ArrayList<>();
        List<Row> broken = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Row row = RowFactory.create(Vectors.dense(i, 1.0 - i, 0.5), (double) (i % 2));
            clean.add(row);
            broken.add(i == 13 ? RowFactory.create(null, 1.0) : row);
        }
        vectors = fixtures.resolve("vectors.parquet");
        vectorsWithNull = fixtures.resolve("null-vector.parquet");
        try (SparkSession spark = TestSpark.start("local[2]")) {
            TestData.frame(spark, clean, TestData.VECTOR_SCHEMA, 1).write().parquet(vectors.toString());
            TestData.frame(spark, broken, TestData.VECTOR_SCHEMA, 1).write().parquet(vectorsWithNull.toString());
        }
        vectorModel = fixtures.resolve("vector-model");
        run = CommandLineRun.run("train", "--format", "parquet", "--data", vectors.toString(), "--hidden", "3", "--epochs", "1",
                "-o", vectorModel.toString());
        assertEquals(0, run.exitCode, run.toString());
    }

    /** The Parquet file of {@link #vectorsWithNull}, whose row 13 (0-based) has no vector. */
    static Path vectorsWithNullFile() throws IOException {
        try (var files = Files.list(vectorsWithNull)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
    }

    /** A regression CSV (a, b -> y) of 30 rows; data row {@code badRow} (0-based, on line badRow + 2) gets {@code cell} in column b. */
    private Path csv(String name, int badRow, String cell, String label) throws IOException {
        StringBuilder sb = new StringBuilder("a,b,y\n");
        for (int r = 0; r < 30; r++) {
            sb.append(String.format(Locale.ROOT, "%d,%s,%s%n", r, r == badRow && cell != null ? cell : String.valueOf(r % 5),
                    r == badRow && label != null ? label : String.valueOf(r % 3)));
        }
        return Files.writeString(tmp.resolve(name), sb);
    }

    private static String[] train(Path data, Path out, String task, String master, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--format", "csv", "--data", data.toString(), "--features", "a,b",
                "--label", "y", "--task", task, "--epochs", "1", "--conf", "data.validation.fraction=0", "-o", out.toString()));
        args.addAll(List.of(extra));
        args.addAll(master(master));
        return args.toArray(new String[0]);
    }

    /** --master, and for local-cluster what its executor JVMs need: this test's classpath and little memory. */
    static List<String> master(String master) {
        if (!master.startsWith("local-cluster")) {
            return List.of("--master", master);
        }
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return List.of("--master", master,
                "--conf", "spark.executor.extraClassPath=" + cp + File.pathSeparator + new File("target/classes").getAbsolutePath(),
                "--conf", "spark.executor.memory=768m",
                "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=120s");
    }

    /** Exit 1, stderr exactly one line holding every fragment, no stack trace, {@code out} not created. */
    static void assertOneLine(CommandLineRun run, Path out, String... fragments) {
        assertEquals(1, run.exitCode, run.toString());
        // Spark's warnings that executors (or, in local-cluster, the test's own workers) have not registered
        // yet are about a busy machine starting up, not the error
        List<String> lines = run.err.strip().lines().filter(l -> !l.contains("WARN TaskSchedulerImpl: Initial job has not accepted")
                && !(l.contains("WARN Master: App ") && l.contains("requires more resource than any of Workers could have"))).toList();
        assertEquals(1, lines.size(), "stderr must be one line:\n" + run.err);
        String line = lines.get(0);
        assertTrue(line.startsWith("sparkprop "), line);
        assertFalse(line.startsWith("\tat ") || line.contains("Exception in task") || line.contains("Job aborted"), line);
        for (String f : fragments) {
            assertTrue(line.contains(f), "expected '" + f + "' in: " + line);
        }
        if (out != null) {
            assertFalse(Files.exists(out), out + " was written");
        }
    }

    @Test
    void nanAndInfiniteFeatureCells() throws IOException {
        Path out = tmp.resolve("m");
        assertOneLine(CommandLineRun.onTerminal(train(csv("nan.csv", 7, "NaN", null), out, "regression", "local[2]")), out,
                "sparkprop train: error: " + tmp.resolve("nan.csv") + " line 9, column 'b': value is NaN, expected a finite float32 number");
        assertOneLine(CommandLineRun.onTerminal(train(csv("inf.csv", 3, "-Infinity", null), out, "regression", "local[2]")), out,
                tmp.resolve("inf.csv") + " line 5, column 'b': value is -Infinity, expected a finite float32 number");
    }

    @Test
    void negativeAndFractionalLabels() throws IOException {
        Path out = tmp.resolve("m");
        assertOneLine(CommandLineRun.onTerminal(train(csv("neg.csv", 11, null, "-1"), out, "classification", "local[2]")), out,
                tmp.resolve("neg.csv") + " line 13, column 'y': classification needs class indices 0, 1, ...; it holds -1.0");
        assertOneLine(CommandLineRun.onTerminal(train(csv("frac.csv", 4, null, "0.5"), out, "classification", "local[2]")), out,
                tmp.resolve("frac.csv") + " line 6, column 'y': classification needs class indices 0, 1, ...; it holds 0.5");
    }

    @Test
    void nullFeatureVectorInTrainingWithoutValidationSplit() throws IOException {
        Path out = tmp.resolve("m");
        assertOneLine(CommandLineRun.onTerminal("train", "--format", "parquet", "--data", vectorsWithNull.toString(), "--epochs", "1",
                "--conf", "data.validation.fraction=0", "-o", out.toString(), "--master", "local[2]"), out,
                vectorsWithNullFile() + " row 13 (0-based), column 'features': feature vector is null, expected 3 features");
    }

    @Test
    void nullFeatureVectorAtPredict() throws IOException {
        Path out = tmp.resolve("p");
        assertOneLine(CommandLineRun.onTerminal("predict", vectorModel.toString(), "--format", "parquet", "--data",
                vectorsWithNull.toString(), "-o", out.toString(), "--master", "local[2]"), out, "sparkprop predict: error: "
                + vectorsWithNullFile() + " row 13 (0-based), column 'features': feature vector is null, expected 3 features");
    }

    @Test
    void libsvmIndexBeyondTheModelsWidthAtEvaluateAndPredict() throws IOException {
        Path wide = Files.writeString(tmp.resolve("wide.libsvm"), "1 1:0.5 3:1.0\n0 2:1.0 7:2.0\n");
        assertOneLine(CommandLineRun.onTerminal("evaluate", libsvmModel.toString(), "--format", "libsvm", "--data", wide.toString(),
                "--master", "local[2]"), null, "sparkprop evaluate: error: " + wide + " line 1, column 'features': 7 features, expected 4");
        Path out = tmp.resolve("p");
        assertOneLine(CommandLineRun.onTerminal("predict", libsvmModel.toString(), "--format", "libsvm", "--data", wide.toString(),
                "-o", out.toString(), "--master", "local[2]"), out, "sparkprop predict: error: " + wide + " line 1, column 'features': 7 features");
    }

    @Test
    void badCellOnLocalCluster() throws IOException {
        Path out = tmp.resolve("m");
        assertOneLine(CommandLineRun.onTerminal(train(csv("nan.csv", 7, "NaN", null), out, "regression", LOCAL_CLUSTER)), out,
                "sparkprop train: error: " + tmp.resolve("nan.csv") + " line 9, column 'b': value is NaN, expected a finite float32 number");
    }

    @Test
    void nullVectorAtPredictOnLocalCluster() throws IOException {
        Path out = tmp.resolve("p");
        List<String> args = new ArrayList<>(List.of("predict", vectorModel.toString(), "--format", "parquet", "--data",
                vectorsWithNull.toString(), "-o", out.toString()));
        args.addAll(master(LOCAL_CLUSTER));
        assertOneLine(CommandLineRun.onTerminal(args.toArray(new String[0])), out,
                "sparkprop predict: error: " + vectorsWithNullFile() + " row 13 (0-based), column 'features': feature vector is null,"
                        + " expected 3 features");
    }
}
