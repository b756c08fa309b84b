package io.sparkprop.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkprop.driver.ml.SparkpropClassificationModel;
import io.sparkprop.driver.ml.SparkpropClassifier;
import io.sparkprop.driver.model.ModelStore;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Row and class weights through both front doors: {@code sparkprop train --weight w --conf
 * train.classWeights=balanced} and {@code SparkpropClassifier.setWeightCol("w").setClassWeights("balanced")}
 * write the same params.bin and record the same weights; evaluate weighs its metrics; bad weight
 * settings fail with one line before training.
 */
class WeightedTrainingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static SparkSession localSpark() {
        return SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    }

    @Test
    void bothFrontDoorsTrainTheSameWeightedModel() throws Exception {
        Path csv = tmp.resolve("table.csv");
        ThreeClassTable.writeCsv(csv, 300, 5);
        Path data = tmp.resolve("data.parquet");
        try (SparkSession spark = localSpark()) {
            Dataset<Row> table = spark.read().option("header", true).option("inferSchema", true).csv(csv.toString());
            new VectorAssembler().setInputCols(new String[] {"x1", "x2", "x3"}).setOutputCol("features").transform(table)
                    .withColumn("w", functions.expr("CAST(label AS DOUBLE) * 0.5 + 0.25"))
                    .select("features", "label", "w").coalesce(2).write().parquet(data.toString());
        }

        Path cliModel = tmp.resolve("cli");
        CommandLineRun train = CommandLineRun.run("train", "--format", "parquet", "--data", data.toString(), "--weight", "w",
                "--epochs", "3", "--conf", "train.classWeights=balanced", "-o", cliModel.toString());
        assertEquals(0, train.exitCode, train.toString());

        Path mlModel = tmp.resolve("ml");
        try (SparkSession spark = localSpark()) {
            SparkpropClassificationModel fitted = new SparkpropClassifier().setWeightCol("w").setClassWeights("balanced")
                    .setMaxIter(3).fit(spark.read().parquet(data.toString()));
            assertTrue(fitted.summary().validationMetrics().isWeighted());
            new ModelStore(spark.sparkContext().hadoopConfiguration()).write(fitted.savedModel(), mlModel.toString(), false);
        }
        assertArrayEquals(Files.readAllBytes(cliModel.resolve("params.bin")), Files.readAllBytes(mlModel.resolve("params.bin")));
        JsonNode cli = JSON.readTree(cliModel.resolve("model.json").toFile()).path("training");
        JsonNode ml = JSON.readTree(mlModel.resolve("model.json").toFile()).path("training");
        assertEquals("w", cli.path("weightColumn").asText());
        assertEquals(cli.path("classWeights"), ml.path("classWeights"));
        assertEquals(3, cli.path("classWeights").path("weights").size(), cli.toString());
        assertEquals(cli.path("metrics"), ml.path("metrics"));
        assertTrue(cli.path("metrics").has("weightSum"), cli.toString());

        CommandLineRun weighted = CommandLineRun.run("evaluate", cliModel.toString(), "--format", "parquet", "--data", data.toString(),
                "--weight", "w");
        assertEquals(0, weighted.exitCode, weighted.toString());
        assertTrue(weighted.out.contains("weight: "), weighted.out);
        CommandLineRun plain = CommandLineRun.run("evaluate", cliModel.toString(), "--format", "parquet", "--data", data.toString());
        assertEquals(0, plain.exitCode, plain.toString());
        assertTrue(!plain.out.contains("weight: ") && !plain.out.equals(weighted.out), plain.out);

        CommandLineRun missing = CommandLineRun.run("evaluate", cliModel.toString(), "--format", "parquet", "--data", data.toString(),
                "--weight", "importance");
        assertEquals(1, missing.exitCode, missing.toString());
        assertTrue(missing.err.contains("weight column 'importance' not found"), missing.err);
    }

    @Test
    void negativeClassWeightsAreAUsageError() {
        CommandLineRun run = CommandLineRun.run("train", "--conf", "train.classWeights=1,-1", "-o", tmp.resolve("m").toString());
        assertEquals(2, run.exitCode, run.toString());
        assertTrue(run.err.contains("train.classWeights (from --conf) is '1,-1', expected none, balanced, one weight >= 0 per class"),
                run.err);
    }
}
