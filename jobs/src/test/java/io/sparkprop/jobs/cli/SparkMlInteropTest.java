package io.sparkprop.jobs.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.sparkprop.driver.ml.SparkpropClassificationModel;
import io.sparkprop.driver.ml.SparkpropClassifier;
import io.sparkprop.driver.model.ModelStore;
import io.sparkprop.driver.model.OnnxExporter;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One model, three ways to score it: the Spark ML transformer, {@code sparkprop predict} on the same
 * saved model (identical predictions and probabilities), and {@code sparkprop export --format onnx}
 * run in ONNX Runtime (the transformer's probabilities within 1e-5).
 */
class SparkMlInteropTest {
    @TempDir
    Path tmp;

    @Test
    void transformerPredictAndOnnxAgree() throws Exception {
        Path csv = tmp.resolve("table.csv");
        ThreeClassTable.writeCsv(csv, 400, 11);
        Path data = tmp.resolve("data.parquet");
        Path model = tmp.resolve("model");
        Map<Integer, double[]> features = new HashMap<>();
        Map<Integer, Row> transformed = new HashMap<>();
        try (SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate()) {
            Dataset<Row> table = spark.read().option("header", true).option("inferSchema", true).csv(csv.toString());
            Dataset<Row> assembled = new VectorAssembler().setInputCols(new String[] {"x1", "x2", "x3"}).setOutputCol("features")
                    .transform(table).select("id", "features", "label");
            assembled.write().parquet(data.toString());
            SparkpropClassificationModel fitted = new SparkpropClassifier().setLayers(8).setActivation("sigmoid")
                    .setMaxIter(5).setStepSize(0.02).setBatchSize(32).setLogInterval(0).fit(assembled);
            new ModelStore(spark.sparkContext().hadoopConfiguration()).write(fitted.savedModel(), model.toString(), false);
            for (Row r : fitted.transform(assembled).select("id", "features", "prediction", "probability").collectAsList()) {
                features.put(r.getInt(0), ((Vector) r.get(1)).toArray());
                transformed.put(r.getInt(0), r);
            }
        }

        Path predictions = tmp.resolve("predictions");
        CommandLineRun predict = CommandLineRun.run("predict", model.toString(), "--format", "parquet", "--data", data.toString(),
                "-o", predictions.toString());
        assertEquals(0, predict.exitCode, predict.toString());
        try (SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate()) {
            List<Row> cli = spark.read().parquet(predictions.toString()).select("id", "prediction", "probability").collectAsList();
            assertEquals(400, cli.size());
            for (Row r : cli) {
                Row expected = transformed.get(r.getInt(0));
                assertEquals(expected.getDouble(2), r.getDouble(1), "prediction of row " + r.getInt(0));
                assertArrayEquals(((Vector) expected.get(3)).toArray(), ((Vector) r.get(2)).toArray(), "probability of row " + r.getInt(0));
            }
        }

        Path onnx = tmp.resolve("model.onnx");
        CommandLineRun export = CommandLineRun.run("export", model.toString(), "--format", "onnx", "--output", onnx.toString());
        assertEquals(0, export.exitCode, export.toString());
        assertTrue(export.out.contains("outputs 'logits', 'probability'"), export.out);
        assertFalse(Files.exists(onnx.resolveSibling("." + onnx.getFileName() + ".lock")), "export released its lock");
        float[][] x = new float[400][];
        for (int id = 0; id < 400; id++) {
            x[id] = new float[3];
            for (int j = 0; j < 3; j++) {
                x[id][j] = (float) features.get(id)[j];
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, x);
             OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input))) {
            float[][] probability = (float[][]) result.get(OnnxExporter.PROBABILITY).orElseThrow().getValue();
            for (int id = 0; id < 400; id++) {
                double[] expected = ((Vector) transformed.get(id).get(3)).toArray();
                for (int k = 0; k < 3; k++) {
                    assertEquals(expected[k], probability[id][k], 1e-5, "row " + id + ", class " + k);
                }
            }
        }

        CommandLineRun again = CommandLineRun.run("export", model.toString(), "--output", onnx.toString());
        assertEquals(1, again.exitCode, again.toString());
        assertTrue(again.err.contains("already exists; pass --overwrite"), again.err);
        CommandLineRun badFormat = CommandLineRun.run("export", model.toString(), "--format", "pmml", "--output", onnx + "2");
        assertEquals(2, badFormat.exitCode, "a usage error: " + badFormat);
        assertTrue(badFormat.err.contains("--format must be onnx, got 'pmml'"), badFormat.err);
    }
}
