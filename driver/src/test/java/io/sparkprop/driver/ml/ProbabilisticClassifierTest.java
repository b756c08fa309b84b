package io.sparkprop.driver.ml;

import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.TestData;
import io.sparkprop.driver.TestSpark;
import io.sparkprop.driver.model.ModelScorer;
import io.sparkprop.driver.model.SavedModel;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.classification.OneVsRest;
import org.apache.spark.ml.classification.OneVsRestModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
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
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The classifier as Spark's ProbabilisticClassifier, with Spark's own tools in local[2]: the binary
 * and multiclass evaluators, OneVsRest, thresholds, CrossValidator, pipelines saved by today's and by
 * the earlier (Estimator-based) stages.
 */
class ProbabilisticClassifierTest {
    private static final StructType TABLE = new StructType()
            .add("x1", DataTypes.DoubleType).add("x2", DataTypes.DoubleType).add("x3", DataTypes.DoubleType)
            .add("label", DataTypes.DoubleType);
    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = TestSpark.start("local[2]");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Binary: class 1 when x1 + x2 > 0 (separable); three classes: 0 when x1 + x2 < 0, else 1 or 2 by the sign of x3. */
    private static Dataset<Row> table(int rows, int classes, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            double x1 = rng.nextDouble() * 2 - 1;
            double x2 = rng.nextDouble() * 2 - 1;
            double x3 = rng.nextDouble() * 2 - 1;
            double label = classes == 2 ? (x1 + x2 > 0 ? 1 : 0) : x1 + x2 < 0 ? 0 : x3 < 0 ? 1 : 2;
            out.add(RowFactory.create(x1, x2, x3, label));
        }
        return TestData.frame(spark, out, TABLE, 2);
    }

    private static VectorAssembler assembler() {
        return new VectorAssembler().setInputCols(new String[] {"x1", "x2", "x3"}).setOutputCol("features");
    }

    private static SparkpropClassifier small() {
        return new SparkpropClassifier().setLayers(8).setActivation("tanh").setMaxIter(6).setStepSize(0.05)
                .setBatchSize(48).setValidationFraction(0).setSeed(3).setLogInterval(0);
    }

    /** The Mann-Whitney AUC: the fraction of (positive, negative) pairs the score orders correctly, ties 1/2. */
    private static double auc(List<double[]> scoreAndLabel) {
        double pairs = 0;
        double correct = 0;
        for (double[] p : scoreAndLabel) {
            for (double[] n : scoreAndLabel) {
                if (p[1] == 1 && n[1] == 0) {
                    pairs++;
                    correct += p[0] > n[0] ? 1 : p[0] == n[0] ? 0.5 : 0;
                }
            }
        }
        return correct / pairs;
    }

    @Test
    void binaryEvaluatorReadsTheScoresWithTheirMetadata() {
        Dataset<Row> data = assembler().transform(table(300, 2, 1));
        SparkpropClassificationModel model = small().fit(data);
        assertEquals(2, model.numClasses());
        Dataset<Row> scored = model.transform(data).cache();

        List<double[]> scores = new ArrayList<>();
        for (Row r : scored.select("probability", "rawPrediction", "label").collectAsList()) {
            double[] p = ((Vector) r.get(0)).toArray();
            double[] raw = ((Vector) r.get(1)).toArray();
            // two classes: the logits centred, raw = [-m/2, m/2], and their softmax is the probability
            assertEquals(-raw[0], raw[1], 0.0);
            assertEquals(1 / (1 + Math.exp(-(raw[1] - raw[0]))), p[1], 1e-6);
            assertEquals(1.0, p[0] + p[1], 1e-6);
            scores.add(new double[] {p[1], r.getDouble(2)});
        }
        double expected = auc(scores);
        double fromProbability = new BinaryClassificationEvaluator().setRawPredictionCol("probability").evaluate(scored);
        assertEquals(expected, fromProbability, 1e-12);
        double fromRaw = new BinaryClassificationEvaluator().evaluate(scored);
        assertTrue(fromRaw > 0.9, "areaUnderROC " + fromRaw);
        assertEquals(expected, fromRaw, 1e-3, "raw[1] ranks as p[1] does (up to float ties of p)");

        StructType schema = scored.schema();
        assertEquals(2, AttributeGroup.fromStructField(schema.apply("rawPrediction")).size());
        assertEquals(2, AttributeGroup.fromStructField(schema.apply("probability")).size());
        Attribute prediction = Attribute.fromStructField(schema.apply("prediction"));
        assertEquals(2, ((NominalAttribute) prediction).getNumValues().get());
        scored.unpersist();
    }

    @Test
    void multiclassAccuracyIsTheScorersAndTheFitsAccuracy() {
        Dataset<Row> data = assembler().transform(table(300, 3, 2)).cache();
        SparkpropClassificationModel model = small().setMaxIter(10).fit(data);
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(model.transform(data));
        assertTrue(accuracy > 0.8, "accuracy " + accuracy);

        // the command line's scorer (sparkprop predict) on the saved model, counted here
        Dataset<Row> cli = new ModelScorer(model.savedModel()).transform(data, List.of("features"), "prediction", "probability", "rawPrediction");
        long correct = cli.filter("prediction = label").count();
        assertEquals(correct / 300.0, accuracy, 1e-12);
        // and the metric the fit itself recorded (validationFraction 0: on the training rows)
        @SuppressWarnings("unchecked")
        Map<String, Object> metrics = (Map<String, Object>) model.savedModel().training().get("metrics");
        assertEquals(300L, ((Number) metrics.get("rows")).longValue());
        assertEquals((Double) metrics.get("accuracy"), accuracy, 1e-12);
        data.unpersist();
    }

    @Test
    void oneVsRestTrainsOneSparkpropModelPerClass() {
        Dataset<Row> data = assembler().transform(table(300, 3, 4)).cache();
        OneVsRestModel ovr = new OneVsRest().setClassifier(small()).fit(data);
        assertEquals(3, ovr.models().length);
        for (var m : ovr.models()) {
            assertInstanceOf(SparkpropClassificationModel.class, m);
            assertEquals(2, ((SparkpropClassificationModel) m).numClasses());
        }
        Dataset<Row> scored = ovr.transform(data);
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(scored);
        assertTrue(accuracy > 0.7, "one-vs-rest accuracy " + accuracy);
        data.unpersist();
    }

    @Test
    void thresholdsScaleTheProbabilitiesAsSparkDefines() {
        Dataset<Row> data = assembler().transform(table(200, 3, 5)).cache();
        SparkpropClassificationModel model = small().fit(data);
        double[] t = {0.6, 0.15, 0.25};
        List<Row> plain = model.transform(data).select("probability", "prediction").collectAsList();
        List<Row> scaled = model.copy(ParamMap.empty()).setThresholds(t).transform(data).select("probability", "prediction").collectAsList();
        int changed = 0;
        for (int i = 0; i < plain.size(); i++) {
            double[] p = ((Vector) scaled.get(i).get(0)).toArray();
            assertArrayEquals(((Vector) plain.get(i).get(0)).toArray(), p, "thresholds leave the probabilities alone");
            int argmax = 0;
            int scaledArgmax = 0;
            for (int k = 1; k < 3; k++) {
                argmax = p[k] > p[argmax] ? k : argmax;
                scaledArgmax = p[k] / t[k] > p[scaledArgmax] / t[scaledArgmax] ? k : scaledArgmax;
            }
            assertEquals(argmax, plain.get(i).getDouble(1));
            assertEquals(scaledArgmax, scaled.get(i).getDouble(1));
            changed += argmax != scaledArgmax ? 1 : 0;
        }
        assertTrue(changed > 0, "thresholds changed some predictions");
        // a zero threshold counts as infinity: that class always wins
        List<Row> zero = model.copy(ParamMap.empty()).setThresholds(new double[] {1, 0, 1}).transform(data).select("prediction").collectAsList();
        assertTrue(zero.stream().allMatch(r -> r.getDouble(0) == 1.0));
        // Spark's setter checks the length; thresholds copied from the estimator are checked by transform
        assertThrows(IllegalArgumentException.class, () -> model.copy(ParamMap.empty()).setThresholds(new double[] {0.5, 0.5}));
        SparkpropClassificationModel two = model.copy(new ParamMap().put(model.thresholds(), new double[] {0.5, 0.5}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> two.transform(data));
        assertTrue(e.getMessage().contains("thresholds has 2 values, the model has 3 classes"), e.getMessage());
        data.unpersist();
    }

    @Test
    void crossValidatorWithTheBinaryEvaluatorPicksTheStepSize() {
        Dataset<Row> data = assembler().transform(table(240, 2, 6)).cache();
        SparkpropClassifier classifier = small().setMaxIter(4);
        ParamMap[] grid = new ParamGridBuilder().addGrid(classifier.stepSize(), new double[] {1e-5, 0.05}).build();
        CrossValidatorModel cv = new CrossValidator().setEstimator(classifier).setEstimatorParamMaps(grid)
                .setEvaluator(new BinaryClassificationEvaluator()).setNumFolds(2).setSeed(5).fit(data);
        double[] auc = cv.avgMetrics();
        assertEquals(2, auc.length);
        assertTrue(auc[1] > 0.9, "areaUnderROC " + Arrays.toString(auc));
        assertInstanceOf(SparkpropClassificationModel.class, cv.bestModel());
        assertEquals(classifier.uid(), ((SparkpropClassificationModel) cv.bestModel()).uid());
        data.unpersist();
    }

    @Test
    void pipelineSavedByTheEarlierStagesLoadsAndPredictsTheSame() throws IOException, URISyntaxException {
        Path fixture = Paths.get(getClass().getResource("/ml/pipeline-0.x").toURI());
        List<String> lines = Files.readAllLines(fixture.resolve("expected.csv"));
        List<Row> rows = new ArrayList<>();
        List<double[]> expected = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            double[] v = Arrays.stream(line.split(",")).mapToDouble(Double::parseDouble).toArray();
            rows.add(RowFactory.create(v[0], v[1], v[2], v[3]));
            expected.add(v);
        }
        PipelineModel loaded = PipelineModel.load(fixture.resolve("fitted").toString());
        SparkpropClassificationModel model = (SparkpropClassificationModel) loaded.stages()[1];
        assertEquals("sparkpropClassifier_1ad31170f5cc", model.uid());
        assertEquals(3, model.numClasses());
        List<Row> scored = loaded.transform(TestData.frame(spark, rows, TABLE, 1))
                .select("prediction", "rawPrediction", "probability").collectAsList();
        assertEquals(expected.size(), scored.size());
        for (int i = 0; i < scored.size(); i++) {
            double[] e = expected.get(i);
            assertEquals(e[4], scored.get(i).getDouble(0), "prediction of row " + i);
            assertArrayEquals(Arrays.copyOfRange(e, 5, 8), ((Vector) scored.get(i).get(1)).toArray(), "rawPrediction of row " + i);
            assertArrayEquals(Arrays.copyOfRange(e, 8, 11), ((Vector) scored.get(i).get(2)).toArray(), "probability of row " + i);
        }

        SparkpropClassifier estimator = (SparkpropClassifier) Pipeline.load(fixture.resolve("unfitted").toString()).getStages()[1];
        assertArrayEquals(new int[] {4}, estimator.getLayers());
        assertEquals("tanh", estimator.getActivation());
        assertEquals(3, estimator.getMaxIter());
        assertEquals(0.05, estimator.getStepSize());
        assertEquals(9L, estimator.getSeed());
        assertEquals("probability", estimator.getProbabilityCol());
        assertFalse(estimator.isDefined(estimator.thresholds()));
    }

    @Test
    void pipelineWithThresholdsAndAnUnsetColumnRoundTrips() throws IOException {
        Dataset<Row> data = table(200, 3, 7);
        SparkpropClassifier classifier = small().setThresholds(new double[] {0.5, 0.25, 0.25}).setRawPredictionCol("");
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {assembler(), classifier});
        PipelineModel fitted = pipeline.fit(data);
        Dataset<Row> scored = fitted.transform(data);
        assertFalse(List.of(scored.columns()).contains("rawPrediction"), "an empty column name is not produced");
        String dir = tmp.resolve("pipeline").toString();
        fitted.write().overwrite().save(dir);
        PipelineModel loaded = PipelineModel.load(dir);
        SparkpropClassificationModel model = (SparkpropClassificationModel) loaded.stages()[1];
        assertArrayEquals(new double[] {0.5, 0.25, 0.25}, model.getThresholds());
        assertEquals(scored.select("prediction", "probability").collectAsList(),
                loaded.transform(data).select("prediction", "probability").collectAsList());
        pipeline.write().overwrite().save(tmp.resolve("estimator").toString());
        SparkpropClassifier reloaded = (SparkpropClassifier) Pipeline.load(tmp.resolve("estimator").toString()).getStages()[1];
        assertArrayEquals(new double[] {0.5, 0.25, 0.25}, reloaded.getThresholds());
        assertEquals("", reloaded.getRawPredictionCol());
        assertEquals(classifier.getLayers()[0], reloaded.getLayers()[0]);
    }

    @Test
    void oneSigmoidOutputIsATwoClassModel() {
        // p = sigmoid(z), z = 2 x1 - x2 + 0.5; Spark's two-class form: raw = [-z/2, z/2], probability = [1 - p, p]
        NetworkSpec spec = new NetworkSpec(2, new int[] {1}, new String[] {"sigmoid"}, "sigmoid_binary_cross_entropy");
        SavedModel saved = new SavedModel(spec, new float[] {2f, -1f, 0.5f}, SavedModel.Task.CLASSIFICATION, List.of(),
                List.of("0", "1"), null, null, Map.of(), "now", "test");
        SparkpropClassificationModel model = new SparkpropClassificationModel(saved);
        assertEquals(2, model.numClasses());
        List<Row> rows = List.of(RowFactory.create(Vectors.dense(0.3, 0.2), 1.0), RowFactory.create(Vectors.dense(-1, 0.5), 0.0));
        List<Row> scored = model.transform(TestData.frame(spark, rows, TestData.VECTOR_SCHEMA, 1))
                .select("features", "prediction", "rawPrediction", "probability").collectAsList();
        for (Row r : scored) {
            double[] x = ((Vector) r.get(0)).toArray();
            double z = 2 * x[0] - x[1] + 0.5;
            double p = 1 / (1 + Math.exp(-z));
            assertArrayEquals(new double[] {-z / 2, z / 2}, ((Vector) r.get(2)).toArray(), 1e-6);
            assertArrayEquals(new double[] {1 - p, p}, ((Vector) r.get(3)).toArray(), 1e-6);
            assertEquals(p > 0.5 ? 1.0 : 0.0, r.getDouble(1));
            assertArrayEquals(new double[] {-z / 2, z / 2}, model.predictRaw(Vectors.dense(x)).toArray(), 1e-6);
        }
    }
}
