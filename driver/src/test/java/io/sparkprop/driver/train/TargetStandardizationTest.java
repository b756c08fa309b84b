package io.sparkprop.driver.train;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sparkprop.core.data.Standardizer;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.TestData;
import io.sparkprop.driver.TestSpark;
import io.sparkprop.driver.data.BlockBuilder;
import io.sparkprop.driver.data.DataBlocks;
import io.sparkprop.driver.data.FeatureStandardization;
import io.sparkprop.driver.ml.SparkpropRegressionModel;
import io.sparkprop.driver.ml.SparkpropRegressor;
import io.sparkprop.driver.model.ModelScorer;
import io.sparkprop.driver.model.ModelStore;
import io.sparkprop.driver.model.OnnxExporter;
import io.sparkprop.driver.model.SavedModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static io.sparkprop.driver.config.TrainingSettings.EPOCHS;
import static io.sparkprop.driver.config.TrainingSettings.EVAL_BATCH_SIZE;
import static io.sparkprop.driver.config.TrainingSettings.LOG_INTERVAL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regression targets far from 0 (data.standardizeTarget): the fit, the metrics in the label's units,
 * predictions through every door (Spark ML transform, ModelScorer, ONNX), per-output statistics.
 * R^2 is always recomputed here from the predictions and the raw labels, never taken from our metrics.
 */
class TargetStandardizationTest {
    private static final StructType VECTOR_TABLE = new StructType()
            .add("features", SQLDataTypes.VectorType()).add("y", DataTypes.DoubleType);
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = TestSpark.start("local[2]");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** y = 300 + 80 f(x) + N(0, 2^2), f(x) = sin(2 x1) + x2 x3 + 0.5 tanh(2 x4), x ~ U[-1, 1]^4. */
    private static Dataset<Row> synthetic(int rows, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            double[] x = new double[4];
            for (int j = 0; j < 4; j++) {
                x[j] = rng.nextDouble() * 2 - 1;
            }
            double f = Math.sin(2 * x[0]) + x[1] * x[2] + 0.5 * Math.tanh(2 * x[3]);
            double noise = 2 * gaussian(rng);
            out.add(RowFactory.create(Vectors.dense(x), 300 + 80 * f + noise));
        }
        return TestData.frame(spark, out, VECTOR_TABLE, 2);
    }

    private static double gaussian(SplittableRandom rng) {
        // Box-Muller
        return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    }

    @Test
    void defaultRegressorReachesR2AboveNinetyPercentOnATargetAroundThreeHundred() throws OrtException {
        Dataset<Row> train = synthetic(6000, 1);
        Dataset<Row> test = synthetic(500, 2);
        SparkpropRegressionModel model = new SparkpropRegressor().setLabelCol("y").setLogInterval(0).fit(train);
        List<Row> scored = model.transform(test).select("features", "y", "prediction").collectAsList();
        double r2 = r2(scored);
        assertTrue(r2 >= 0.9, "R^2 on held-out rows with the defaults: " + r2);
        SavedModel saved = model.savedModel();
        assertTrue(saved.targetStandardized());
        assertEquals(300, saved.targetMean()[0], 10, "the fitted target mean");
        // validation metrics during training are in the label's units: R^2 and RMSE of a few tens, not of ~1
        EvaluationMetrics v = model.summary().validationMetrics();
        assertTrue(v.r2() > 0.85 && v.rmse() > 3 && v.rmse() < 40, "validation " + v);
        assertTrue(v.lossOnStandardizedTargets());

        // the ONNX graph gives the transform's predictions (Mul/Add after the network)
        float[][] x = new float[scored.size()][];
        for (int r = 0; r < x.length; r++) {
            x[r] = floats(((org.apache.spark.ml.linalg.Vector) scored.get(r).get(0)).toArray());
        }
        float[][] onnx = runOnnx(saved, x);
        for (int r = 0; r < x.length; r++) {
            double predicted = scored.get(r).getDouble(2);
            assertEquals(predicted, onnx[r][0], 1e-5 * Math.abs(predicted), "row " + r + ": transform vs ONNX");
        }

        // The same fit with setLabelStandardization(false) measured R^2 -11.1 on these rows (0.957 with
        // it): 380 Adam steps of 1e-3 do not carry the output from about 0 to about 300. Left out here
        // to keep the test short.
    }

    @Test
    void friedmanTableBeatsOrdinaryLeastSquares() throws IOException {
        // every fifth row is held out (300 of 1,500)
        Table table = friedman(1500, 5);
        ModelFit.Result result = table.fit(TrainingConfig.builder().set(EPOCHS, 60).set(LOG_INTERVAL, 0L).build());
        double r2 = table.testR2(result);
        double olsR2 = table.olsR2();
        assertTrue(r2 > olsR2 + 0.05, "sparkprop R^2 " + r2 + ", ordinary least squares " + olsR2);
        // the fit's own metrics on the held-out rows are in the label's units: the same R^2
        assertEquals(r2, result.metrics().r2(), 1e-4, "metrics " + result.metrics());
        assertEquals("validation", result.metricsOn());
    }

    /**
     * A small table with every default (issue #23, items 8 and 9): 200 rows of Friedman #1, of which the fit
     * holds out its own fifth for validation, predict 50 other rows with R^2 at least 0.05 above ordinary
     * least squares (0.616). With the old default of 10 epochs (two iterations an epoch on 160 rows in two
     * blocks, no early stopping) the R^2 was 0.385; with train.epochs = 0 (auto) and no weight decay 0.615;
     * with auto's weight decay of 30 / training rows (0.18 on these 165) 0.705.
     */
    @Test
    void smallTableWithTheDefaultsFitsAsWellAsALinearModel() throws IOException {
        Table table = friedman(250, 5);
        ModelFit fit = new ModelFit(TrainingConfig.builder().build(), SavedModel.Task.REGRESSION).label("y")
                .featureColumns(table.features());
        ModelFit.Result result = fit.run(table.frame(spark, table.train()), null);
        double r2 = table.testR2(result);
        double olsR2 = table.olsR2();
        // the decay that ran, 30 / training rows, is what the model records
        Map<?, ?> configuration = (Map<?, ?>) result.model().training().get("configuration");
        assertEquals(30.0 / result.trainRows(), ((Number) configuration.get("train.weightDecay")).doubleValue(), 1e-12);
        assertTrue(r2 >= 0.40 && r2 >= olsR2 + 0.05, "sparkprop R^2 " + r2 + ", ordinary least squares " + olsR2);
    }

    /**
     * A small near-linear table with every default (issue #23 item 8): 250 rows to fit on (the fit holds out
     * its own fifth for validation), R^2 on 2,000 others at least that of ordinary least squares on all 250
     * (0.452) and at least 0.40. The default network alone (main before the choice: auto epochs, decay
     * 30 / rows) reached 0.437 here; the choice keeps one hidden layer of 64 (validation losses 0.190 against
     * 0.217) and reaches 0.457. Of six such tables (seeds 1-6, 352 or 250 rows) the choice kept 64 on each and
     * beat least squares on each; the default network alone fell below it on this one only (BENCHMARKS.md,
     * "Small tables, third round").
     */
    @Test
    void smallNearLinearTableWithTheDefaultsFitsAtLeastAsWellAsLeastSquares() {
        Table table = nearLinear(250, 2000, 5);
        ModelFit.Result result = new ModelFit(TrainingConfig.builder().build(), SavedModel.Task.REGRESSION).label("y")
                .featureColumns(table.features()).run(table.frame(spark, table.train()), null);
        double r2 = table.testR2(result);
        double olsR2 = table.olsR2();
        assertTrue(r2 >= 0.40 && r2 >= olsR2, "sparkprop R^2 " + r2 + ", ordinary least squares " + olsR2);
        // what model.json records: the network that ran and the choice
        Map<?, ?> choice = (Map<?, ?>) result.model().training().get("networkChoice");
        assertEquals("64", choice.get("chosen"), "choice " + choice);
        assertArrayEquals(new int[] {10, 64, 1}, result.model().spec().sizes());
    }

    /** The training and held-out rows of a table whose last column is the target y, as rows and as values. */
    private record Table(StructType schema, List<String> features, List<Row> train, List<Row> test, List<double[]> trainValues,
                         List<double[]> testValues) {
        Dataset<Row> frame(SparkSession spark, List<Row> rows) {
            return TestData.frame(spark, rows, schema, 2);
        }

        /** Fits on the training rows with the held-out rows as validation data. */
        ModelFit.Result fit(TrainingConfig settings) {
            return new ModelFit(settings, SavedModel.Task.REGRESSION).label("y").featureColumns(features)
                    .run(frame(spark, train), frame(spark, test));
        }

        /** R^2 of the fitted model's predictions on the held-out rows, from the raw labels. */
        double testR2(ModelFit.Result result) {
            // r2 reads y and the prediction at columns 1 and 2
            return r2(new ModelScorer(result.model()).transform(frame(spark, test), features, "prediction", null, null)
                    .select("y", "y", "prediction").collectAsList());
        }

        double olsR2() {
            return TargetStandardizationTest.olsR2(trainValues, testValues, features.size());
        }
    }

    /**
     * A near-linear table like scikit-learn's diabetes data (ten correlated features, a noisy target, a little
     * curvature): y = 150 + 40 (x . beta + 0.4 (x1^2 - 1) + 0.4 x2 x3 + N(0, 1.75^2)), x_j = 0.7 c + 0.71 z_j with
     * c, z_j ~ N(0, 1), beta = (1, 0.8, -0.6, 0.5, 0.4, -0.3, 0.2, 0, 0, 0); {@code trainRows} rows to fit on,
     * then {@code testRows} held out.
     */
    private static Table nearLinear(int trainRows, int testRows, long seed) {
        double[] beta = {1, 0.8, -0.6, 0.5, 0.4, -0.3, 0.2, 0, 0, 0};
        StructType schema = new StructType();
        List<String> names = new ArrayList<>();
        for (int j = 0; j < beta.length; j++) {
            names.add("x" + (j + 1));
            schema = schema.add(names.get(j), DataTypes.DoubleType);
        }
        Table t = new Table(schema.add("y", DataTypes.DoubleType), names, new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                new ArrayList<>());
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < trainRows + testRows; i++) {
            double[] v = new double[beta.length + 1];
            double f = 0;
            double common = gaussian(rng);
            for (int j = 0; j < beta.length; j++) {
                v[j] = 0.7 * common + 0.71 * gaussian(rng);
                f += beta[j] * v[j];
            }
            v[beta.length] = 150 + 40 * (f + 0.4 * (v[0] * v[0] - 1) + 0.4 * v[1] * v[2] + 1.75 * gaussian(rng));
            Object[] row = new Object[v.length];
            for (int j = 0; j < v.length; j++) {
                row[j] = v[j];
            }
            (i >= trainRows ? t.test() : t.train()).add(RowFactory.create(row));
            (i >= trainRows ? t.testValues() : t.trainValues()).add(v);
        }
        return t;
    }

    /** The first {@code rows} rows of data/friedman1/friedman1.csv, every {@code every}-th held out. */
    private static Table friedman(int rows, int every) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("..", "data", "friedman1", "friedman1.csv"));
        String[] header = lines.get(0).split(",");
        StructType schema = new StructType();
        for (String name : header) {
            schema = schema.add(name, DataTypes.DoubleType);
        }
        Table t = new Table(schema, List.of(header).subList(0, header.length - 1), new ArrayList<>(), new ArrayList<>(),
                new ArrayList<>(), new ArrayList<>());
        for (int i = 1; i <= rows; i++) {
            String[] cells = lines.get(i).split(",");
            double[] v = new double[cells.length];
            Object[] row = new Object[cells.length];
            for (int j = 0; j < cells.length; j++) {
                v[j] = Double.parseDouble(cells[j]);
                row[j] = v[j];
            }
            (i % every == 0 ? t.test() : t.train()).add(RowFactory.create(row));
            (i % every == 0 ? t.testValues() : t.trainValues()).add(v);
        }
        return t;
    }

    @Test
    void statisticsAndMetricsArePerOutputAndAConstantOutputDividesByOne() {
        // three outputs on very different scales, the third constant (std 0 -> stored as 1)
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType()).add("label", SQLDataTypes.VectorType());
        SplittableRandom rng = new SplittableRandom(5);
        int n = 60;
        double[][] y = new double[n][];
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            y[r] = new double[] {300 + 80 * (rng.nextDouble() - 0.5), -5 + 0.1 * (rng.nextDouble() - 0.5), 7};
            rows.add(RowFactory.create(Vectors.dense(rng.nextDouble()), Vectors.dense(y[r])));
        }
        NetworkSpec spec = NetworkSpec.input(1).dense(3, "identity").loss("mse");
        DataBlocks blocks = BlockBuilder.forNetwork(spec).build(TestData.frame(spark, rows, schema, 2));
        Standardizer targets = FeatureStandardization.fitTargets(blocks);
        double[] mean = new double[3];
        double[] std = new double[3];
        for (int j = 0; j < 3; j++) {
            for (double[] t : y) {
                mean[j] += t[j];
            }
            mean[j] /= n;
            for (double[] t : y) {
                std[j] += (t[j] - mean[j]) * (t[j] - mean[j]) / (n - 1);
            }
            std[j] = std[j] == 0 ? 1 : Math.sqrt(std[j]);
        }
        assertArrayEquals(floats(mean), targets.mean(), 1e-3f);
        assertArrayEquals(floats(std), targets.std(), 1e-5f);
        assertEquals(1f, targets.std()[2]);

        // zero weights, biases b: the network's standardised output is b for every row,
        // so the prediction of output j is b_j std_j + mean_j
        float[] b = {0.5f, -1f, 2f};
        float[] params = new float[spec.layout().size()];
        System.arraycopy(b, 0, params, spec.layout().biasOffset(1), 3);
        DataBlocks standardised = FeatureStandardization.applyToTargets(blocks, targets);
        EvaluationMetrics m = new Evaluator(TestSpark.jsc(spark), spec, TrainingConfig.builder().build().get(EVAL_BATCH_SIZE), targets)
                .evaluate(params, standardised);
        standardised.unpersist();
        double[] sse = new double[3];
        double[] sae = new double[3];
        double[] sst = new double[3];
        double loss = 0;
        for (double[] t : y) {
            for (int j = 0; j < 3; j++) {
                double e = b[j] * std[j] + mean[j] - t[j];
                sse[j] += e * e;
                sae[j] += Math.abs(e);
                sst[j] += (t[j] - mean[j]) * (t[j] - mean[j]);
                double z = (t[j] - mean[j]) / std[j];
                loss += 0.5 * (b[j] - z) * (b[j] - z) / n;
            }
        }
        assertEquals(3, m.outputs());
        for (int j = 0; j < 3; j++) {
            assertEquals(sse[j] / n, m.mse(j), 1e-4 * sse[j] / n, "output " + j);
            assertEquals(Math.sqrt(sse[j] / n), m.rmse(j), 1e-4 * Math.sqrt(sse[j] / n), "output " + j);
            assertEquals(sae[j] / n, m.mae(j), 1e-4 * sae[j] / n, "output " + j);
        }
        for (int j = 0; j < 2; j++) {
            assertEquals(1 - sse[j] / sst[j], m.r2(j), 1e-4 * Math.abs(1 - sse[j] / sst[j]), "output " + j);
        }
        // the constant output (SST = 0) is predicted as b_2 * 1 + 7 = 9, not 7: R^2 = 1 - SSE / 0
        assertEquals(Double.NEGATIVE_INFINITY, m.r2(2));
        assertEquals(Double.NEGATIVE_INFINITY, m.r2(), "and so is the mean over the outputs");
        // the means over the outputs: MSE and MAE equal the pooled values over all 3 n, RMSE is the mean of the roots
        double pooledSse = sse[0] + sse[1] + sse[2];
        double pooledSae = sae[0] + sae[1] + sae[2];
        assertEquals(pooledSse / (3 * n), m.mse(), 1e-4 * pooledSse / (3 * n));
        assertEquals(pooledSae / (3 * n), m.mae(), 1e-4 * pooledSae / (3 * n));
        double meanRoot = (Math.sqrt(sse[0] / n) + Math.sqrt(sse[1] / n) + Math.sqrt(sse[2] / n)) / 3;
        assertEquals(meanRoot, m.rmse(), 1e-4 * meanRoot);
        assertEquals(loss, m.loss(), 1e-4 * loss, "the loss stays in standardised units");
        assertTrue(m.lossOnStandardizedTargets() && m.toString().contains("(standardised targets)"), m.toString());
    }

    @Test
    void anOlderModelJsonWithoutTargetStatisticsLoadsAndPredictsTheRawOutput(@TempDir Path dir) throws Exception {
        // a regressor as sparkprop wrote it before target standardisation: 2 -> 1 identity,
        // W = [2, 3], b = 1, features standardised with mean (1, 2), std (2, 4)
        float[] params = {2f, 3f, 1f};
        java.nio.ByteBuffer bin = java.nio.ByteBuffer.allocate(12).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float p : params) {
            bin.putFloat(p);
        }
        Files.write(dir.resolve("params.bin"), bin.array());
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bin.array()));
        Files.writeString(dir.resolve("model.json"), """
                {"format": "sparkprop-model", "formatVersion": 1, "sparkpropVersion": "0.1.0", "createdAt": "2026-11-01T00:00:00Z",
                 "network": {"inputWidth": 2, "layers": [{"units": 1, "activation": "identity"}], "loss": "mse"},
                 "features": {"names": ["a", "b"], "standardization": {"mean": [1.0, 2.0], "std": [2.0, 4.0]}},
                 "labels": {"task": "REGRESSION", "classes": []},
                 "training": {"seed": 42},
                 "params": {"file": "params.bin", "encoding": "float32-le", "count": 3, "sha256": "%s"}}
                """.formatted(sha));
        SavedModel old = new ModelStore(new org.apache.hadoop.conf.Configuration()).read(dir.toUri().toString());
        assertFalse(old.targetStandardized());
        StructType schema = new StructType().add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType);
        Dataset<Row> data = TestData.frame(spark, List.of(RowFactory.create(5.0, 10.0), RowFactory.create(1.0, 2.0)), schema, 1);
        List<Row> scored = new ModelScorer(old).transform(data, List.of("a", "b"), "prediction", null, null)
                .select("prediction").collectAsList();
        // x' = ((5 - 1) / 2, (10 - 2) / 4) = (2, 2): 2 * 2 + 3 * 2 + 1 = 11; x' = (0, 0): 1
        assertEquals(11.0, scored.get(0).getDouble(0));
        assertEquals(1.0, scored.get(1).getDouble(0));
    }

    private static double r2(List<Row> scored) {
        double sse = 0;
        double sum = 0;
        double sumSq = 0;
        for (Row r : scored) {
            double y = r.getDouble(1);
            double e = r.getDouble(2) - y;
            sse += e * e;
            sum += y;
            sumSq += y * y;
        }
        return 1 - sse / (sumSq - sum * sum / scored.size());
    }

    /**
     * Ordinary least squares with an intercept, fitted on {@code train} by the normal equations
     * (X'X) beta = X'y (Gaussian elimination with partial pivoting), R^2 on {@code test}; the last
     * value of each row is the target.
     */
    private static double olsR2(List<double[]> train, List<double[]> test, int width) {
        int p = width + 1;
        double[][] a = new double[p][p + 1];
        for (double[] v : train) {
            for (int i = 0; i < p; i++) {
                double xi = i == 0 ? 1 : v[i - 1];
                for (int j = 0; j < p; j++) {
                    a[i][j] += xi * (j == 0 ? 1 : v[j - 1]);
                }
                a[i][p] += xi * v[width];
            }
        }
        for (int c = 0; c < p; c++) {
            int pivot = c;
            for (int r = c + 1; r < p; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) {
                    pivot = r;
                }
            }
            double[] swap = a[c];
            a[c] = a[pivot];
            a[pivot] = swap;
            for (int r = 0; r < p; r++) {
                if (r != c) {
                    double factor = a[r][c] / a[c][c];
                    for (int k = c; k <= p; k++) {
                        a[r][k] -= factor * a[c][k];
                    }
                }
            }
        }
        double[] beta = new double[p];
        for (int i = 0; i < p; i++) {
            beta[i] = a[i][p] / a[i][i];
        }
        double sse = 0;
        double sum = 0;
        double sumSq = 0;
        for (double[] v : test) {
            double predicted = beta[0];
            for (int j = 0; j < width; j++) {
                predicted += beta[j + 1] * v[j];
            }
            double e = predicted - v[width];
            sse += e * e;
            sum += v[width];
            sumSq += v[width] * v[width];
        }
        return 1 - sse / (sumSq - sum * sum / test.size());
    }

    private static float[][] runOnnx(SavedModel model, float[][] x) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(OnnxExporter.toBytes(model), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, x);
             OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input))) {
            return (float[][]) result.get(OnnxExporter.PREDICTION).orElseThrow().getValue();
        }
    }

    private static float[] floats(double[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }
}
