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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two front doors are one fit: {@code sparkprop train} and {@code SparkpropClassifier.fit}, both
 * with every training setting left at its default, on the same Parquet data in local[2], write
 * identical params.bin bytes and the same {@code training.configuration} in model.json.
 */
class FrontDoorsAgreeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static SparkSession localSpark() {
        return SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    }

    @Test
    void commandLineAndEstimatorWithDefaultSettingsWriteTheSameModel() throws Exception {
        Path csv = tmp.resolve("table.csv");
        ThreeClassTable.writeCsv(csv, 600, 5);
        Path data = tmp.resolve("data.parquet");
        try (SparkSession spark = localSpark()) {
            Dataset<Row> table = spark.read().option("header", true).option("inferSchema", true).csv(csv.toString());
            new VectorAssembler().setInputCols(new String[] {"x1", "x2", "x3"}).setOutputCol("features")
                    .transform(table).select("features", "label").coalesce(2).write().parquet(data.toString());
        }

        Path cliModel = tmp.resolve("cli");
        CommandLineRun train = CommandLineRun.run("train", "--format", "parquet", "--data", data.toString(), "-o", cliModel.toString());
        assertEquals(0, train.exitCode, train.toString());

        Path mlModel = tmp.resolve("ml");
        try (SparkSession spark = localSpark()) {
            SparkpropClassificationModel fitted = new SparkpropClassifier().fit(spark.read().parquet(data.toString()));
            assertTrue(fitted.summary().validationMetrics().accuracy() > 0.8, "validation " + fitted.summary().validationMetrics());
            new ModelStore(spark.sparkContext().hadoopConfiguration()).write(fitted.savedModel(), mlModel.toString(), false);
        }

        byte[] cliParams = Files.readAllBytes(cliModel.resolve("params.bin"));
        assertTrue(cliParams.length > 4 * (3 * 128 + 128), "params.bin holds the 3-128-3 network");
        assertArrayEquals(cliParams, Files.readAllBytes(mlModel.resolve("params.bin")), "params.bin bytes");
        JsonNode cli = JSON.readTree(cliModel.resolve("model.json").toFile()).path("training");
        JsonNode ml = JSON.readTree(mlModel.resolve("model.json").toFile()).path("training");
        assertTrue(cli.path("configuration").has("train.learningRate"), cli.toString());
        assertEquals(cli.path("configuration"), ml.path("configuration"));
        assertEquals(cli.path("iterations"), ml.path("iterations"));
        assertEquals(cli.path("metrics"), ml.path("metrics"));
    }
}
