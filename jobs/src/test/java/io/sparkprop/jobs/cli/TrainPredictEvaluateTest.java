package io.sparkprop.jobs.cli;

import io.sparkprop.driver.model.ModelStore;
import io.sparkprop.driver.model.SavedModel;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real command line end to end in local[2]: train, info, evaluate, predict, and what they write. */
class TrainPredictEvaluateTest {
    private static final String SECRET = "SuperSecretValue123";

    @TempDir
    Path tmp;

    @Test
    void defaultMnistTrainEvaluatePredictAndNoSecretLeaks() throws IOException {
        Path model = tmp.resolve("mnist");
        CommandLineRun train = CommandLineRun.run("train", "--epochs", "2", "-o", model.toString(),
                "--conf", "spark.hadoop.fs.s3a.secret.key=" + SECRET);
        assertEquals(0, train.exitCode, train.toString());
        assertTrue(train.out.contains("validation accuracy"), train.out);
        assertTrue(train.out.contains("spark.hadoop.fs.s3a.secret.key = *********(redacted)"), train.out);
        for (String f : List.of("model.json", "params.bin", "report.html", "history.jsonl")) {
            assertTrue(Files.exists(model.resolve(f)), f);
        }
        String everything = train.out + train.err + Files.readString(model.resolve("model.json"))
                + Files.readString(model.resolve("report.html")) + Files.readString(model.resolve("history.jsonl"));
        assertFalse(everything.contains(SECRET), "the secret leaked into output, model.json or the report");
        // spark.hadoop.* (where credentials live) stays out of model.json unless output.recordSparkConf=true
        assertFalse(Files.readString(model.resolve("model.json")).contains("fs.s3a.secret.key"));
        assertEquals(2, Files.readAllLines(model.resolve("history.jsonl")).size());

        SavedModel saved = new ModelStore(new Configuration()).read(model.toString());
        double accuracy = ((Number) ((java.util.Map<?, ?>) saved.training().get("metrics")).get("accuracy")).doubleValue();
        assertTrue(accuracy > 0.85, "validation accuracy after 2 epochs: " + accuracy);
        // IDX pixels: data.standardizeScale = auto shares one scale, so every non-constant pixel has the same std
        // (a border pixel that is 0 in every training image keeps std 0)
        float shared = 0;
        int constant = 0;
        for (float s : saved.featureStd()) {
            if (s == 0) {
                constant++;
            } else if (shared == 0) {
                shared = s;
            } else {
                assertEquals(shared, s, "pixels share one scale");
            }
        }
        assertTrue(shared > 0 && constant > 0 && constant < 784, "shared scale " + shared + ", " + constant + " constant pixels");
        assertTrue(train.out.contains("features standardised with one shared scale"), train.out);

        CommandLineRun info = CommandLineRun.run("info", model.toString());
        assertEquals(0, info.exitCode, info.toString());
        assertTrue(info.out.contains("784-256(relu)-128(relu)-10(softmax)"), info.out);

        CommandLineRun evaluate = CommandLineRun.run("evaluate", model.toString(), "--data", "builtin:mnist-10k");
        assertEquals(0, evaluate.exitCode, evaluate.toString());
        assertTrue(evaluate.out.contains("rows:      10000"), evaluate.out);
        assertTrue(evaluate.out.contains("confusion matrix"), evaluate.out);

        Path predictions = tmp.resolve("predictions");
        CommandLineRun predict = CommandLineRun.run("predict", model.toString(), "--data", "builtin:mnist-10k",
                "-o", predictions.toString());
        assertEquals(0, predict.exitCode, predict.toString());
        try (SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate()) {
            Dataset<Row> p = spark.read().parquet(predictions.toString());
            assertEquals(10000, p.count());
            double agree = p.filter("prediction = label").count() / 10000.0;
            assertTrue(agree > 0.85, "predict agrees with labels on " + agree);
        }
        CommandLineRun again = CommandLineRun.run("predict", model.toString(), "--data", "builtin:mnist-10k",
                "-o", predictions.toString());
        assertEquals(1, again.exitCode, again.toString());
        assertTrue(again.err.contains("already exists; pass --overwrite"), again.err);
    }

    @Test
    void csvRegressionWithNamedColumnsEndToEnd() throws IOException {
        // y = 3 x1 - 2 x2 + 0.5 x3 + 1 + small noise; "id" is not a feature
        Path csv = tmp.resolve("table.csv");
        StringBuilder sb = new StringBuilder("id,x1,x2,x3,target\n");
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < 2000; i++) {
            double x1 = rng.nextDouble() * 2 - 1;
            double x2 = rng.nextDouble() * 2 - 1;
            double x3 = rng.nextDouble() * 4;
            double y = 3 * x1 - 2 * x2 + 0.5 * x3 + 1 + 0.01 * (rng.nextDouble() - 0.5);
            sb.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f%n", i, x1, x2, x3, y));
        }
        Files.writeString(csv, sb.toString());
        Path model = tmp.resolve("regression");
        CommandLineRun train = CommandLineRun.run("train", "--job", Path.of("..", "conf", "jobs", "csv-regression.conf").toString(),
                "--data", csv.toString(), "--features", "x1,x2,x3", "--label", "target", "--epochs", "30", "-o", model.toString());
        assertEquals(0, train.exitCode, train.toString());
        assertTrue(train.out.contains("validation RMSE"), train.out);

        Path predictions = tmp.resolve("predictions");
        CommandLineRun predict = CommandLineRun.run("predict", model.toString(), "--format", "csv", "--data", csv.toString(),
                "-o", predictions.toString());
        assertEquals(0, predict.exitCode, predict.toString());
        try (SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate()) {
            Dataset<Row> p = spark.read().parquet(predictions.toString());
            assertEquals(2000, p.count());
            assertTrue(List.of(p.columns()).containsAll(List.of("id", "x1", "x2", "x3", "target", "prediction")));
            double mse = p.selectExpr("avg((cast(target as double) - prediction) * (cast(target as double) - prediction))").first().getDouble(0);
            // the targets' variance is about 3^2/3 + 2^2/3 + 0.25 * 16/12 = 4.67; a fit must do far better
            assertTrue(mse < 0.05, "prediction MSE " + mse);
            // evaluate reports the metrics in the label's units (the model standardised its target): the
            // predictions' MSE, recomputed here; the loss says it is in standardised units
            CommandLineRun evaluate = CommandLineRun.run("evaluate", model.toString(), "--format", "csv", "--data", csv.toString(),
                    "--label", "target");
            assertEquals(0, evaluate.exitCode, evaluate.toString());
            String mseLine = evaluate.out.lines().filter(l -> l.startsWith("mse:")).findFirst().orElseThrow();
            assertEquals(mse, Double.parseDouble(mseLine.substring(4).trim()), 1e-3 * mse + 1e-6, evaluate.out);
            assertTrue(evaluate.out.contains("(standardised targets)"), evaluate.out);
        }

        // A job that fails inside its tasks (a NaN cell, found by the scoring tasks while writing) leaves the
        // previous predictions byte for byte, and creates nothing where there was nothing.
        Map<Path, byte[]> before = snapshot(predictions);
        Path bad = tmp.resolve("bad.csv");
        Files.writeString(bad, "id,x1,x2,x3,target\n0,0.5,0.25,1,2\n1,NaN,0.5,2,1\n");
        CommandLineRun overwrite = CommandLineRun.run("predict", model.toString(), "--format", "csv", "--data", bad.toString(),
                "-o", predictions.toString(), "--overwrite");
        assertEquals(1, overwrite.exitCode, overwrite.toString());
        assertEquals(before.keySet(), snapshot(predictions).keySet(), "the old output's files");
        before.forEach((file, bytes) -> assertArrayEquals(bytes, readBytes(file), file.toString()));
        Path fresh = tmp.resolve("fresh-predictions");
        CommandLineRun failed = CommandLineRun.run("predict", model.toString(), "--format", "csv", "--data", bad.toString(),
                "-o", fresh.toString());
        assertEquals(1, failed.exitCode, failed.toString());
        assertFalse(Files.exists(fresh), "no output folder after a failed predict");
        try (var left = Files.list(tmp)) {
            List<String> hidden = left.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
            assertEquals(List.of(), hidden, "no temporary folders left beside the outputs");
        }
    }

    private static Map<Path, byte[]> snapshot(Path dir) throws IOException {
        Map<Path, byte[]> files = new java.util.TreeMap<>();
        try (var walk = Files.walk(dir)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                files.put(f, Files.readAllBytes(f));
            }
        }
        assertFalse(files.isEmpty(), "predictions were written");
        return files;
    }

    private static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
