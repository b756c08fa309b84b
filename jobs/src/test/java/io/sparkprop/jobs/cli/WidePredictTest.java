package io.sparkprop.jobs.cli;

import io.sparkprop.driver.model.ModelScorer;
import io.sparkprop.driver.model.ModelStore;
import io.sparkprop.driver.model.SavedModel;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Predict and evaluate on a CSV of 1,500 text feature columns, which ModelInput types in plain code rather than
 * by a projection of a cast per column: the predictions are those of the saved model on each row's numbers as
 * Java parses them, bit for bit, and the feature columns pass through as those numbers.
 */
class WidePredictTest {
    private static final int COLUMNS = 1500;
    private static final int ROWS = 60;

    @TempDir
    Path tmp;

    @Test
    @Timeout(300)
    void wideCsvPredictsTheModelsValuesOfEachRow() throws IOException {
        List<String> features = new ArrayList<>();
        StringBuilder sb = new StringBuilder("id,");
        for (int j = 0; j < COLUMNS; j++) {
            features.add("c" + j);
            sb.append('c').append(j).append(',');
        }
        sb.append("y\n");
        SplittableRandom rng = new SplittableRandom(23);
        double[][] x = new double[ROWS][COLUMNS];
        for (int i = 0; i < ROWS; i++) {
            sb.append(i).append(',');
            double y = 0;
            for (int j = 0; j < COLUMNS; j++) {
                x[i][j] = rng.nextInt(256) / 4.0;
                y += j < 8 ? x[i][j] / 100 : 0;
                sb.append(x[i][j]).append(',');
            }
            sb.append(y).append('\n');
        }
        Path csv = Files.writeString(tmp.resolve("wide.csv"), sb);
        Path model = tmp.resolve("model");
        CommandLineRun train = CommandLineRun.run("train", "--data", csv.toString(), "--format", "csv", "--features",
                String.join(",", features), "--label", "y", "--task", "regression", "--hidden", "4", "--epochs", "1",
                "-o", model.toString());
        assertEquals(0, train.exitCode, train.toString());

        Path predictions = tmp.resolve("predictions");
        CommandLineRun predict = CommandLineRun.run("predict", model.toString(), "--format", "csv", "--data", csv.toString(),
                "-o", predictions.toString());
        assertEquals(0, predict.exitCode, predict.toString());
        CommandLineRun evaluate = CommandLineRun.run("evaluate", model.toString(), "--format", "csv", "--data", csv.toString(),
                "--label", "y");
        assertEquals(0, evaluate.exitCode, evaluate.toString());
        assertTrue(evaluate.out.contains("rows:      " + ROWS), evaluate.out);

        // expected: each row's numbers as Java parses them, through the saved model one row at a time
        ModelScorer scorer = new ModelScorer(new ModelStore(new Configuration()).read(model.toString()));
        try (SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate()) {
            List<Row> rows = spark.read().parquet(predictions.toString()).select("id", "c0", "c" + (COLUMNS - 1), "prediction")
                    .collectAsList();
            assertEquals(ROWS, rows.size());
            for (Row r : rows) {
                int i = Integer.parseInt(r.getString(0));
                assertEquals(x[i][0], r.getDouble(1), "c0 passes through as a number");
                assertEquals(x[i][COLUMNS - 1], r.getDouble(2));
                assertEquals(Double.doubleToLongBits(scorer.predict(x[i])), Double.doubleToLongBits(r.getDouble(3)), "row " + i);
            }
        }
    }
}
