package io.sparkprop.jobs.cli;

import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.model.ModelStore;
import io.sparkprop.driver.model.SavedModel;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regression of several targets on the real command line: {@code --label y1,y2} through train, info,
 * predict (Parquet and CSV) and evaluate, and evaluate's per-output metrics of a hand-made model
 * checked against values worked out by hand.
 */
class MultiOutputCommandLineTest {
    @TempDir
    Path tmp;

    /**
     * 1 input x, 2 identity outputs, W = [[2], [-1]], b = [1, 0.5], targets standardised with mean
     * (100, -0.01) and std (10, 0.001): y1 = 10 (2 x + 1) + 100, y2 = 0.001 (0.5 - x) - 0.01.
     */
    private Path handMadeModel(String name, List<String> targetNames) throws IOException {
        NetworkSpec spec = NetworkSpec.input(1).dense(2, "identity").loss("mse");
        SavedModel model = new SavedModel(spec, new float[] {2f, -1f, 1f, 0.5f}, SavedModel.Task.REGRESSION, List.of("x"),
                List.of(), targetNames, null, null, new float[] {100f, -0.01f}, new float[] {10f, 0.001f}, Map.of(),
                "2026-12-01T00:00:00Z", "test");
        Path dir = tmp.resolve(name);
        new ModelStore(new Configuration()).write(model, dir.toString(), false);
        return dir;
    }

    @Test
    void evaluateAndPredictAHandMadeModelOfTwoOutputs() throws IOException {
        Path model = handMadeModel("fixed", List.of("y1", "y2"));
        // x = 0..3: predictions y1 = 110, 130, 150, 170 and y2 = -0.0095, -0.0105, -0.0115, -0.0125
        Path csv = tmp.resolve("four.csv");
        Files.writeString(csv, "x,y1,y2\n0,112,-0.0095\n1,128,-0.0100\n2,150,-0.0120\n3,166,-0.0125\n");

        CommandLineRun evaluate = CommandLineRun.run("evaluate", model.toString(), "--format", "csv", "--data", csv.toString(),
                "--label", "y1,y2");
        assertEquals(0, evaluate.exitCode, evaluate.toString());
        // y1: errors -2, 2, 0, 4: SSE 24, MSE 6, RMSE sqrt 6, MAE 2; mean 139, SST 27^2 + 11^2 + 11^2 + 27^2 = 1700
        double mse1 = 6;
        double mae1 = 2;
        double r21 = 1 - 24.0 / 1700;
        // y2: errors 0, -0.0005, 0.0005, 0: SSE 5e-7, MSE 1.25e-7, MAE 2.5e-4; mean -0.011,
        // SST 0.0015^2 + 0.001^2 + 0.001^2 + 0.0015^2 = 6.5e-6
        double mse2 = 1.25e-7;
        double mae2 = 2.5e-4;
        double r22 = 1 - 5e-7 / 6.5e-6;
        assertTrue(evaluate.out.contains("outputs:   2 (mse, rmse, mae and r2 below are the plain means of the outputs' own)"),
                evaluate.out);
        assertEquals((mse1 + mse2) / 2, metric(evaluate.out, "mse:"), 1e-5 * mse1);
        assertEquals((Math.sqrt(mse1) + Math.sqrt(mse2)) / 2, metric(evaluate.out, "rmse:"), 1e-5);
        assertEquals((mae1 + mae2) / 2, metric(evaluate.out, "mae:"), 1e-5);
        assertEquals((r21 + r22) / 2, metric(evaluate.out, "r2:"), 1e-4);
        double[] y1 = row(evaluate.out, "y1 ");
        double[] y2 = row(evaluate.out, "y2 ");
        assertEquals(mse1, y1[0], 1e-4 * mse1);
        assertEquals(Math.sqrt(mse1), y1[1], 1e-4 * Math.sqrt(mse1));
        assertEquals(mae1, y1[2], 1e-4 * mae1);
        assertEquals(r21, y1[3], 1e-5);
        // y2 is float32 around 0.01, so its errors of 5e-4 carry about 1e-9 of rounding: 1e-3 relative at most
        assertEquals(mse2, y2[0], 1e-3 * mse2);
        assertEquals(Math.sqrt(mse2), y2[1], 1e-3 * Math.sqrt(mse2));
        assertEquals(mae2, y2[2], 1e-3 * mae2);
        assertEquals(r22, y2[3], 1e-4);

        CommandLineRun oneLabel = CommandLineRun.run("evaluate", model.toString(), "--format", "csv", "--data", csv.toString(),
                "--label", "y1");
        assertEquals(1, oneLabel.exitCode, oneLabel.toString());
        assertTrue(oneLabel.err.contains("label column 'y1' holds one number per row, but the network has 2 outputs"), oneLabel.err);
        CommandLineRun missing = CommandLineRun.run("evaluate", model.toString(), "--format", "csv", "--data", csv.toString());
        assertEquals(1, missing.exitCode, missing.toString());
        assertTrue(missing.err.contains("label column 'label' is missing; the data has columns [x, y1, y2] (set --label;"
                + " the model predicts y1,y2)"), missing.err);

        Path parquet = tmp.resolve("predictions");
        CommandLineRun predict = CommandLineRun.run("predict", model.toString(), "--format", "csv", "--data", csv.toString(),
                "-o", parquet.toString());
        assertEquals(0, predict.exitCode, predict.toString());
        Path csvOut = tmp.resolve("predictions-csv");
        assertEquals(0, CommandLineRun.run("predict", model.toString(), "--format", "csv", "--data", csv.toString(),
                "-o", csvOut.toString(), "--output-format", "csv").exitCode);
        Path vectorModel = handMadeModel("vector", List.of("y[0]", "y[1]"));
        Path vectorCsvOut = tmp.resolve("vector-csv");
        assertEquals(0, CommandLineRun.run("predict", vectorModel.toString(), "--format", "csv", "--data", csv.toString(),
                "-o", vectorCsvOut.toString(), "--output-format", "csv").exitCode);
        try (SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate()) {
            Dataset<Row> p = spark.read().parquet(parquet.toString());
            assertEquals(SQLDataTypes.VectorType(), p.schema().apply("prediction").dataType());
            assertEquals(DataTypes.DoubleType, p.schema().apply("prediction_y1").dataType());
            assertEquals(DataTypes.DoubleType, p.schema().apply("prediction_y2").dataType());
            double[][] expected = {{110, -0.0095}, {130, -0.0105}, {150, -0.0115}, {170, -0.0125}};
            List<Row> rows = p.orderBy("x").select("prediction", "prediction_y1", "prediction_y2").collectAsList();
            for (int r = 0; r < 4; r++) {
                double[] v = ((Vector) rows.get(r).get(0)).toArray();
                for (int j = 0; j < 2; j++) {
                    assertEquals(expected[r][j], v[j], 1e-6 * Math.abs(expected[r][j]), "row " + r + ", output " + j);
                    assertEquals(v[j], rows.get(r).getDouble(1 + j));
                }
            }
            Dataset<Row> c = spark.read().option("header", true).csv(csvOut.toString());
            assertEquals(List.of("x", "y1", "y2", "prediction_y1", "prediction_y2"), List.of(c.columns()));
            Dataset<Row> vc = spark.read().option("header", true).csv(vectorCsvOut.toString());
            assertEquals(List.of("x", "y1", "y2", "prediction_0", "prediction_1"), List.of(vc.columns()));
            assertEquals(170, Double.parseDouble(vc.orderBy("x").collectAsList().get(3).getString(3)), 1e-4);
        }
    }

    @Test
    void trainTwoTargetsFromLabelColumnsThenInfoAndClassificationRefusesThem() throws IOException {
        // y1 = 200 + 50 (x1 - x2 x3) in the hundreds, y2 = 0.003 sin(2 x1) + 0.002 x3 in the thousandths
        Path csv = tmp.resolve("two.csv");
        StringBuilder sb = new StringBuilder("x1,x2,x3,y1,y2\n");
        SplittableRandom rng = new SplittableRandom(4);
        for (int i = 0; i < 1500; i++) {
            double x1 = rng.nextDouble() * 2 - 1;
            double x2 = rng.nextDouble() * 2 - 1;
            double x3 = rng.nextDouble() * 2 - 1;
            sb.append(String.format(Locale.ROOT, "%.6f,%.6f,%.6f,%.6f,%.8f%n", x1, x2, x3, 200 + 50 * (x1 - x2 * x3),
                    0.003 * Math.sin(2 * x1) + 0.002 * x3));
        }
        Files.writeString(csv, sb.toString());
        Path model = tmp.resolve("two");
        CommandLineRun train = CommandLineRun.run("train", "--job", Path.of("..", "conf", "jobs", "csv-regression.conf").toString(),
                "--data", csv.toString(), "--label", "y1,y2", "--epochs", "20", "-o", model.toString());
        assertEquals(0, train.exitCode, train.toString());
        String summary = train.out.lines().filter(l -> l.startsWith("validation RMSE")).findFirst().orElseThrow();
        assertTrue(summary.contains("(means over 2 outputs; R^2 of y1 0.9") && summary.contains(", y2 0.9"), summary);

        SavedModel saved = new ModelStore(new Configuration()).read(model.toString());
        assertEquals(List.of("x1", "x2", "x3"), saved.featureNames(), "data.features = * leaves out both label columns");
        assertEquals(List.of("y1", "y2"), saved.targetNames());
        String json = Files.readString(model.resolve("model.json"));
        assertTrue(json.replaceAll("\\s", "").contains("\"names\":[\"y1\",\"y2\"]"), json);
        String report = Files.readString(model.resolve("report.html"));
        assertTrue(report.contains("<h2>Per-output metrics</h2>") && report.contains("<th scope=\"row\">y2</th>"), report);

        CommandLineRun info = CommandLineRun.run("info", model.toString());
        assertTrue(info.out.contains("outputs:     2 (y1, y2)"), info.out);

        CommandLineRun classification = CommandLineRun.run("train", "--job",
                Path.of("..", "conf", "jobs", "csv-regression.conf").toString(), "--data", csv.toString(), "--label", "y1,y2",
                "--conf", "model.task=classification", "-o", tmp.resolve("never").toString());
        assertEquals(1, classification.exitCode, classification.toString());
        assertTrue(classification.err.contains("label columns y1,y2: classification takes one label column of class indices;"
                + " several targets per row are a regression"), classification.err);
        CommandLineRun twice = CommandLineRun.run("train", "--job", Path.of("..", "conf", "jobs", "csv-regression.conf").toString(),
                "--data", csv.toString(), "--label", "y1,y1", "-o", tmp.resolve("never").toString());
        assertEquals(2, twice.exitCode, twice.toString());
        assertTrue(twice.err.contains("configuration key data.label (from --label) is 'y1,y1', expected one column name, or"
                + " several distinct column names separated by commas"), twice.err);
    }

    /** The number after {@code name} on its line of evaluate's output. */
    private static double metric(String out, String name) {
        String line = out.lines().filter(l -> l.startsWith(name)).findFirst().orElseThrow(() -> new AssertionError(out));
        return Double.parseDouble(line.substring(name.length()).trim());
    }

    /** mse, rmse, mae, r2 from the per-output table row that starts with {@code prefix}. */
    private static double[] row(String out, String prefix) {
        String line = out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError(out));
        String[] cells = line.trim().split("\\s+");
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
            v[i] = Double.parseDouble(cells[1 + i]);
        }
        return v;
    }
}
