package io.sparkprop.jobs.cli;

import io.sparkprop.driver.model.ModelScorer;
import io.sparkprop.driver.model.ModelStore;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.StorageStatistics;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Predict and evaluate on CSV text read once, as training reads it: each file's bytes read once (Hadoop's
 * statistics), the predictions those of the saved model on each row's numbers as Java parses them, bit for bit, the
 * other cells as Spark's CSV reader gives them, the metrics those of the typed-rows path (the same numbers as JSON
 * text), and a bad cell one line naming its file, line and column.
 */
class ReadOnceScoringTest {
    @TempDir
    Path tmp;

    /**
     * A run of {@code args} and the bytes this JVM read from local files meanwhile (Hadoop's statistics of the file
     * system: Spark's scans, and the driver's reads of headers and the model; not Spark's cached blocks).
     */
    private static long bytesRead(CommandLineRun[] run, String... args) {
        StorageStatistics local = FileSystem.getGlobalStorageStatistics().get("file");
        long before = local == null ? 0 : local.getLong("bytesRead");
        run[0] = CommandLineRun.run(args);
        assertEquals(0, run[0].exitCode, run[0].toString());
        return FileSystem.getGlobalStorageStatistics().get("file").getLong("bytesRead") - before;
    }

    @Test
    @Timeout(600)
    void wideCsvIsReadOnceAndScoredAsEachRowsNumbers() throws IOException {
        int columns = 2000;
        int rows = 300;
        SplittableRandom rng = new SplittableRandom(7);
        double[][] x = new double[rows][columns];
        StringBuilder csv = new StringBuilder("id");
        List<String> features = new ArrayList<>();
        for (int j = 0; j < columns; j++) {
            features.add("c" + j);
            csv.append(",c").append(j);
        }
        csv.append(",y\n");
        for (int i = 0; i < rows; i++) {
            csv.append("r").append(i);
            double y = 0;
            for (int j = 0; j < columns; j++) {
                x[i][j] = rng.nextInt(1024) / 8.0 - 60;
                y += j < 8 ? x[i][j] / 100 : 0;
                csv.append(',').append(x[i][j]);
            }
            csv.append(',').append(y).append('\n');
        }
        Path data = Files.writeString(tmp.resolve("wide.csv"), csv);
        Path model = tmp.resolve("model");
        CommandLineRun train = CommandLineRun.run("train", "--data", data.toString(), "--format", "csv", "--features",
                String.join(",", features), "--label", "y", "--task", "regression", "--hidden", "4", "--epochs", "1",
                "-o", model.toString());
        assertEquals(0, train.exitCode, train.toString());

        long size = Files.size(data);
        CommandLineRun[] run = new CommandLineRun[1];
        Path predictions = tmp.resolve("predictions");
        long predictRead = bytesRead(run, "predict", model.toString(), "--format", "csv", "--data", data.toString(),
                "--output-format", "csv", "-o", predictions.toString());
        assertTrue(predictRead < 1.5 * size, "predict read " + predictRead + " bytes of a " + size + "-byte file");
        long evaluateRead = bytesRead(run, "evaluate", model.toString(), "--format", "csv", "--data", data.toString(), "--label", "y");
        assertTrue(evaluateRead < 1.5 * size, "evaluate read " + evaluateRead + " bytes of a " + size + "-byte file");
        assertTrue(run[0].out.contains("rows:      " + rows), run[0].out);

        ModelScorer scorer = new ModelScorer(new ModelStore(new Configuration()).read(model.toString()));
        try (SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate()) {
            List<Row> written = spark.read().option("header", true).csv(predictions.toString())
                    .select("id", "c0", "c" + (columns - 1), "prediction").collectAsList();
            assertEquals(rows, written.size());
            for (Row r : written) {
                int i = Integer.parseInt(r.getString(0).substring(1));
                assertEquals(String.valueOf(x[i][0]), r.getString(1), "c0 written as the number it holds");
                assertEquals(String.valueOf(x[i][columns - 1]), r.getString(2));
                assertEquals(String.valueOf(scorer.predict(x[i])), r.getString(3), "row " + i);
            }
        }
    }

    @Test
    @Timeout(300)
    void classifierKeepsTheOtherCellsAsSparkReadsThem() throws IOException {
        SplittableRandom rng = new SplittableRandom(11);
        int rows = 120;
        double[][] x = new double[rows][3];
        StringBuilder csv = new StringBuilder("name,x1,note,x2,x3,label\n");
        StringBuilder json = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < 3; j++) {
                x[i][j] = rng.nextInt(200) / 16.0 - 6;
            }
            // quoted cells with the delimiter (the parser's lines) and empty cells (null), beside plain ones
            String name = i % 7 == 0 ? "\"r" + i + ", quoted\"" : "r" + i;
            String note = i % 5 == 0 ? "" : "n" + (i % 3);
            int label = (x[i][0] + x[i][1] > 0 ? 1 : 0) + (x[i][2] > 2 ? 1 : 0);
            csv.append(String.format(Locale.ROOT, "%s,%s,%s,%s,%s,%d%n", name, x[i][0], note, x[i][1], x[i][2], label));
            json.append(String.format(Locale.ROOT, "{\"x1\":\"%s\",\"x2\":\"%s\",\"x3\":\"%s\",\"label\":\"%d\"}%n", x[i][0],
                    x[i][1], x[i][2], label));
        }
        Path data = Files.writeString(tmp.resolve("narrow.csv"), csv);
        Path model = tmp.resolve("classifier");
        CommandLineRun train = CommandLineRun.run("train", "--data", data.toString(), "--format", "csv", "--features",
                "x1,x2,x3", "--label", "label", "--task", "classification", "--hidden", "5", "--epochs", "2",
                "-o", model.toString());
        assertEquals(0, train.exitCode, train.toString());
        Path predictions = tmp.resolve("p");
        CommandLineRun predict = CommandLineRun.run("predict", model.toString(), "--format", "csv", "--data", data.toString(),
                "-o", predictions.toString());
        assertEquals(0, predict.exitCode, predict.toString());
        // the same numbers as JSON text: typed by the projection path (DataSource.numericCsvRows), evaluated as before
        CommandLineRun evaluate = CommandLineRun.run("evaluate", model.toString(), "--format", "csv", "--data", data.toString(),
                "--label", "label");
        CommandLineRun typed = CommandLineRun.run("evaluate", model.toString(), "--format", "json", "--data",
                Files.writeString(tmp.resolve("narrow.json"), json).toString(), "--label", "label");
        assertEquals(0, evaluate.exitCode, evaluate.toString());
        assertEquals(0, typed.exitCode, typed.toString());
        assertTrue(evaluate.out.contains("accuracy:  "), evaluate.out);
        assertEquals(typed.out, evaluate.out);

        ModelScorer scorer = new ModelScorer(new ModelStore(new Configuration()).read(model.toString()));
        try (SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate()) {
            Map<Integer, Row> asSparkReads = new HashMap<>();
            for (Row r : spark.read().option("header", true).csv(data.toString()).collectAsList()) {
                asSparkReads.put(Integer.parseInt(r.getString(0).substring(1).split(",")[0]), r);
            }
            List<Row> written = spark.read().parquet(predictions.toString()).collectAsList();
            assertEquals(rows, written.size());
            for (Row r : written) {
                Row read = asSparkReads.get(Integer.parseInt(r.getString(0).substring(1).split(",")[0]));
                int i = Integer.parseInt(read.getString(0).substring(1).split(",")[0]);
                assertEquals(read.getString(0), r.getAs("name"));
                assertEquals(read.get(2), r.getAs("note"), "row " + i + ": an empty cell is null");
                assertEquals(x[i][1], (double) r.getAs("x2"));
                double[] raw = scorer.rawPrediction(x[i]);
                assertArrayEquals(raw, ((Vector) r.getAs("rawPrediction")).toArray(), "row " + i);
                int best = 0;
                double[] p = ((Vector) r.getAs("probability")).toArray();
                for (int k = 1; k < p.length; k++) {
                    best = p[k] > p[best] ? k : best;
                }
                assertEquals(best, (double) r.getAs("prediction"), 0.0);
            }
        }
    }

    @Test
    @Timeout(300)
    void badCellsAreOneLineNamingFileLineAndColumn() throws IOException {
        StringBuilder good = new StringBuilder("id,x1,x2,y\n");
        for (int i = 0; i < 40; i++) {
            good.append(String.format(Locale.ROOT, "%d,%d,%d,%d%n", i, i % 5, i % 3, i % 2));
        }
        Path data = Files.writeString(tmp.resolve("good.csv"), good);
        Path model = tmp.resolve("m");
        assertEquals(0, CommandLineRun.run("train", "--data", data.toString(), "--format", "csv", "--features", "x1,x2",
                "--label", "y", "--task", "regression", "--epochs", "1", "-o", model.toString()).exitCode);
        Path text = Files.writeString(tmp.resolve("text.csv"), good.toString().replace("\n17,2,2,1\n", "\n17,2,five,1\n"));
        Path empty = Files.writeString(tmp.resolve("empty.csv"), good.toString().replace("\n23,3,2,1\n", "\n23,,2,1\n"));
        for (String command : List.of("predict", "evaluate")) {
            Path out = tmp.resolve("out-" + command);
            List<String> args = new ArrayList<>(List.of(command, model.toString(), "--format", "csv", "--label", "y"));
            if (command.equals("predict")) {
                args.addAll(List.of("-o", out.toString()));
            }
            args.addAll(List.of("--data", text.toString()));
            ExecutorErrorsTest.assertOneLine(CommandLineRun.onTerminal(args.toArray(new String[0])), out,
                    "sparkprop " + command + ": error: " + text + " line 19, column 'x2': 'five' is not a number");
            args.set(args.size() - 1, empty.toString());
            ExecutorErrorsTest.assertOneLine(CommandLineRun.onTerminal(args.toArray(new String[0])), out,
                    "sparkprop " + command + ": error: " + empty + " line 25, column 'x1': value is null, expected a number");
        }
    }
}
